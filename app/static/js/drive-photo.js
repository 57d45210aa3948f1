// A proof photo made smaller on the phone before it waits in the outbox: a camera's 4-12 MB
// would fill the phone's storage in a dead zone and take minutes on a weak signal. The server
// checks, strips and downscales again whatever arrives (app/proof/).
const LONGEST = 1600;

export async function shrinkPhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // not an image this browser can read: the server says what is wrong with it
  }
  const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve) => { canvas.toBlob((b) => resolve(b || file), "image/jpeg", 0.85); });
}
