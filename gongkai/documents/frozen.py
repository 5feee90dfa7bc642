"""The fork server's last preload (:mod:`gongkai.documents.isolated`): everything imported and warmed up
so far is moved out of the garbage collector's sight (``gc.freeze``), so that a child — a fork of the
server — does not touch, and thereby copy, every page of it when it collects. No Django."""

import gc

gc.freeze()
