"""The demo world (dev-only): agencies, people for every role, two years of cases, a catalogue and published
annual reports, seeded through each app's own services by ``gongkai seed-demo`` (which refuses to run unless
``GONGKAI_DEBUG`` is on). It sits above every app and nothing imports it."""
