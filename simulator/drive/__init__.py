"""Driving a plan: drivers and their motion, clocks (instant or paced), the fleet, GPX, replay."""
