"""A closed-list election's write-ins (``audit.mix.closed_list``): the decrypted text is a roster
id, read as the name the poll definition pairs with it; anything else is ignored by the count."""

from __future__ import annotations

import ballots
from audit.mix import NOT_A_NAME, closed_list, decrypted_names
from ballots.crypto.names import blank, encode_name

ROSTER = [{"id": "d01", "name": "代表01"}, {"id": "d03", "name": "代表03"}]
DEFINITION = {
    "kind": "election",
    "electorate": 5,
    "present": 5,
    "issued": 4,
    "seats": 1,
    "candidates": [{"id": "h1", "name": "周正"}],
    "write_in_eligible": ["代表01", "代表03"],
    "write_in_roster": ROSTER,
}


def test_the_roster_pairs_of_the_definition_map_ids_to_names() -> None:
    assert closed_list(DEFINITION) == {"d01": "代表01", "d03": "代表03"}
    assert closed_list({"kind": "election", "write_in_eligible": ["代表01"]}) is None
    odd = {"write_in_roster": [{"id": "d01"}, "d02", {"id": "d03", "name": "代表03"}]}
    assert closed_list(odd) == {"d03": "代表03"}


def test_decrypted_ids_read_as_names_and_unknown_ids_are_ignored() -> None:
    roster = closed_list(DEFINITION)
    rows = [encode_name("d03", 1), encode_name("d99", 1), encode_name("代表01", 1), blank(1)]
    written = [decrypted_names(points, 1, roster) for points in rows]
    assert written == [["代表03"], [NOT_A_NAME], [NOT_A_NAME], [""]]
    assert decrypted_names(encode_name("d03", 1), 1) == ["d03"]  # no roster: a name
    counted = ballots.count_decrypted_write_ins(ballots.parse_poll(DEFINITION), written)
    assert (counted.counted, counted.ignored) == ({"代表03": 1}, 2)
