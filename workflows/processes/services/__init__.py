"""Writes: plain functions named <entity>_<action>, keyword-only, each in one transaction."""
