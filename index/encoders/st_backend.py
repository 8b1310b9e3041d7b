"""The one wrapper of `sentence-transformers` (optional extra `meaning-st`): any of its models.

For users who want a larger model than the embedded ones. The model is a name (downloaded the
usual way, into the Hugging Face cache, on first use) or a local folder; with HF_HUB_OFFLINE=1
and no cached copy, loading fails and we say so. It pulls in torch, so it is not installed by
default.
"""

from __future__ import annotations

from importlib import metadata

from index.encoders import EncoderInfo, EncoderUnavailable, MeaningOptions, batched

PACKAGE = "sentence-transformers"
DEFAULT_MODEL = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"


class SentenceTransformersEncoder:
    # Unmeasured for arbitrary models: the usual range of normalised sentence-transformers cosines.
    floor = 0.2
    margin = 0.25

    def __init__(self, options: MeaningOptions):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailable(
                f"encoder sentence-transformers needs the package: pip install 'session-search[meaning-st]' "
                f"({PACKAGE})") from exc
        model = options.model or DEFAULT_MODEL
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # hub unreachable offline, a folder that is not a model, ...
            raise EncoderUnavailable(f"sentence-transformers could not load model {model!r}: {exc}") from exc
        self._batch = options.batch_size
        dim = self._model.get_sentence_embedding_dimension()
        self.info = EncoderInfo(name="sentence-transformers", version=metadata.version(PACKAGE),
                                dim=int(dim), model=model)

    def _encode(self, texts):
        return self._model.encode(list(texts), batch_size=self._batch, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)

    def encode_passages(self, texts: list[str]):
        return batched(self._encode, texts, self._batch, self.info.dim)

    def encode_queries(self, texts: list[str]):
        return batched(self._encode, texts, self._batch, self.info.dim)


def load(options: MeaningOptions) -> SentenceTransformersEncoder:
    return SentenceTransformersEncoder(options)
