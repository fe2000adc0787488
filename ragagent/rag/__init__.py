"""RAG mode: retrieval, prompt packing, generation and claim-level citation checking.

Modules: ``answer`` (RagRun, answer_rag), ``prompt``, ``citations`` (CitationVerifier), ``support`` and
``lexical``/``judges`` (the SupportChecker implementations), ``terms``.
"""
