"""OParl 1.1: the council's public record for other programs, read-only, under /oparl/v1/.

``objects`` turns records into OParl objects (with Consulta's extensions, docs/oparl.md),
``queries`` says what is public and loads a page of it in a fixed number of statements, and
``views`` answers the URLs.
"""
