"""Pages for everyone, in plain words: how the council works, a glossary of the words its
votes use, the privacy notice and the accessibility statement."""
