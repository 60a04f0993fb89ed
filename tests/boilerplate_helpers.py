"""Story paragraphs the boilerplate tests put beside the lines under test: prose that
no layer of the stage may take."""

from __future__ import annotations

STORY = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs, which "
    "are expected to take two years and cost about forty million."
)
STORY_2 = (
    "Commuters will be sent over the northern bridge, and the ferry will run every ten "
    "minutes at peak hours while the works go on."
)
