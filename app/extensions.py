"""Flask extensions, created unbound and bound in create_app (flaskr's init_app pattern)."""

from flask_socketio import SocketIO

socketio = SocketIO()
