// A signature drawn with a finger on a canvas; exported as a PNG only when something was drawn.
export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.drawn = false;
    this.last = null;
    canvas.style.touchAction = "none"; // the finger draws instead of scrolling the page
    canvas.addEventListener("pointerdown", (e) => this.down(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    for (const name of ["pointerup", "pointerleave", "pointercancel"]) {
      canvas.addEventListener(name, () => { this.last = null; });
    }
    this.clear();
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (this.canvas.width / r.width),
      (e.clientY - r.top) * (this.canvas.height / r.height)];
  }

  down(e) {
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.point(e);
  }

  move(e) {
    if (!this.last) return;
    const p = this.point(e);
    this.ctx.beginPath();
    this.ctx.moveTo(...this.last);
    this.ctx.lineTo(...p);
    this.ctx.stroke();
    this.last = p;
    this.drawn = true;
  }

  clear() {
    this.ctx.fillStyle = "#fff";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.strokeStyle = "#111";
    this.ctx.lineWidth = 3;
    this.ctx.lineCap = "round";
    this.drawn = false;
  }

  blob() {
    if (!this.drawn) return Promise.resolve(null);
    return new Promise((resolve) => { this.canvas.toBlob(resolve, "image/png"); });
  }
}
