"""The only emitter: the broadcaster builds frames each tick, frames writes them to sockets once
per room, the Redis frame queue carries them between processes, and sockets admits viewers.
"""
