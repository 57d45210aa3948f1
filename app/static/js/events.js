// Socket.IO event names, listed once here and once in app/broadcaster.py.
export const SNAPSHOT = "snapshot";
export const VIEW = "view";
export const FLEET = "fleet";
export const WITHDRAWN = "withdrawn";
