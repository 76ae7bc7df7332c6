"""The JSON of the typed model, one module per part: ``facts`` now (issue 32 adds the rest of a story).

Each module writes the JSON documents of CONTRACT.md from typed values and
reads them back, accepting what older versions wrote.
"""
