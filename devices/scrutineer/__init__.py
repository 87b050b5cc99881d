"""A scrutineer's station: the laptop that holds one share of the sitting's threshold key.

Modules::

    local_state  what the station keeps on its own disk (0600, never sent): its signing key,
                 its counter, the ceremony secrets and finally its share s_j
    steps        pure: from the public board of the ceremony and the local state, the messages
                 to post next (rounds 1–5, liveness answers), the backup card, the restore
    tally        pure: decrypting a closed encrypted poll — which polls wait, the offer, once
                 per poll, the confirmation, the share set
    decrypting   read the log up to the newest checkpoint, verify it with the meeting's log
                 key (audit.verify), then decrypt a poll after confirmation
    client       the server's HTTP API as the station uses it (standard library only)
    station      a station: pair, then poll the board and post what the steps say, and
                 decrypt closed encrypted polls
    page_view    pure: what the station's own page shows, fed by the station's steps and
                 events, and the person's answers to the decryptions it offers
    page_server  the station's own page on 127.0.0.1 under a secret of the run (uvicorn in a
                 thread beside the station's loop); its files are in static/
    simulated    n simulated stations in one process, for tests and the demo
                 (labelled "模拟监票人 (simulated)")

``congress scrutineer`` (:mod:`voting.cli.scrutineer`) runs one station. The cryptography is
that of :mod:`ballots.crypto.threshold`; this package only keeps secrets and moves messages.
"""
