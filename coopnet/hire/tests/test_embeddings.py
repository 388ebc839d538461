"""The offline sentence encoder (coopnet/lib/embeddings.py) gives what the reference
implementation gives.

The pinned token ids and vector components below were printed by Hugging Face's `tokenizers`
and sentence-transformers (PyTorch) for the same model files; the encoder must reproduce them
without either.
"""

import numpy as np
import pytest

from coopnet.lib import embeddings

SENTENCES = [
    "We need someone to look after our servers.",
    "Hosting and system administration for charities.",
    "A logo and a leaflet for our bakery.",
]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("Look after our servers!", [101, 2298, 2044, 2256, 14903, 999, 102]),
        # Accents stripped, punctuation split off, "£5" one known piece.
        (
            "Café co-op: naïve £5 résumé",
            [101, 7668, 2522, 1011, 6728, 1024, 15743, 27813, 13746, 102],
        ),
        ("supercalifragilistic", [101, 3565, 9289, 10128, 29181, 24411, 4588, 102]),
        # CJK characters one by one; Æ lower-cased, Å's ring stripped.
        ("日本 and ÆØÅ", [101, 1864, 1876, 1998, 1097, 16415, 2050, 102]),
        ("", [101, 102]),
    ],
)
def test_it_tokenises_as_bert_s_uncased_wordpiece_does(text, ids):
    assert embeddings.token_ids(text) == ids


def test_it_cuts_a_long_text_to_the_model_s_length_and_still_ends_it():
    ids = embeddings.token_ids("word " * 1000)

    assert len(ids) == embeddings.MAX_TOKENS
    assert ids[0] == 101 and ids[-1] == 102


def test_it_gives_the_reference_vectors():
    vectors = embeddings.embed(SENTENCES)

    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    expected_starts = [
        [-0.0721, -0.09755, 0.01587, -0.02332, 0.00874, -0.06272],
        [-0.01463, -0.03688, 0.01437, -0.01209, -0.0184, -0.02111],
        [-0.02569, 0.0913, 0.01685, -0.01377, 0.03389, 0.05258],
    ]
    assert np.allclose(vectors[:, :6], expected_starts, atol=2e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] == pytest.approx(0.313, abs=1e-3)
    assert similarity[0, 2] == pytest.approx(0.1278, abs=1e-3)


def test_a_text_s_vector_does_not_depend_on_its_batch():
    alone = embeddings.embed([SENTENCES[2]])[0]
    batched = embeddings.embed([*SENTENCES, "short", "a much longer text " * 20])[2]

    assert np.allclose(alone, batched, atol=1e-5)


def test_it_keeps_a_vector_as_bytes_and_back():
    vector = embeddings.embed([SENTENCES[0]])[0]

    data = embeddings.to_bytes(vector)

    assert len(data) == 384 * 4
    assert np.array_equal(embeddings.from_bytes(data), vector)
    assert embeddings.embed([]).shape == (0, 384)
