"""What cryqueue is about, with no storage and no screen: films and their facts, the checks a
value must pass, text normalisation, search, the in-memory list, the lists' consensus, the
seeded catalog, import records and errors. Imports nothing of cryqueue outside this folder."""
