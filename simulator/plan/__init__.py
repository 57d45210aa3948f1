"""Planning a day: delivery programs, blocks of stops (block), planning ahead across a fleet
(ahead), stop ordering and the timeline of events a block produces.
"""
