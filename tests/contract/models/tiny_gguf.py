"""A tiny llama-architecture GGUF that always answers "Hello world!", written with the `gguf`
package (run with the llama server environment's Python)::

    python tiny_gguf.py OUT.gguf [--embedding]

Every layer's weights are zero, so each block adds nothing to the residual stream and the next
token depends only on the embedding of the current one: any prompt token leads to "Hello",
"Hello" to "▁world", "▁world" to "!", and "!" to the end-of-sequence token. The winning logit
is 100 above the others, so no sampling setting (temperature up to 2, repeat penalty) can
change the answer. The vocabulary is SentencePiece-style with byte fallback, so any prompt
tokenizes, and the chat template is in the metadata.
"""

from __future__ import annotations

import sys
from pathlib import Path

ANSWER = "Hello world!"
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n"
    "{% endfor %}<|assistant|>\n"
)
N_EMBD, N_HEAD, N_FF, N_CTX = 16, 2, 32, 2048
MARGIN = 100.0

# gguf's token types
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6


def vocabulary() -> tuple[list[str], list[int]]:
    tokens = ["<unk>", "<s>", "</s>"]
    types = [UNKNOWN, CONTROL, CONTROL]
    tokens += [f"<0x{byte:02X}>" for byte in range(256)]
    types += [BYTE] * 256
    tokens += ["Hello", "▁world", "!"]
    types += [NORMAL] * 3
    return tokens, types


def write(path: Path, *, mean_pooling: bool = False) -> None:
    """The model; with ``mean_pooling`` its metadata asks for mean pooling, so that a server
    started with ``--embedding`` answers one vector per input (without it llama.cpp gives one
    per token). Generation is the same either way."""
    import gguf  # type: ignore[import-not-found, import-untyped, unused-ignore]
    import numpy as np  # type: ignore[import-not-found, unused-ignore]

    tokens, types = vocabulary()
    n_vocab = len(tokens)
    eos = tokens.index("</s>")
    # token -> the embedding dimension that stands for it; the output row reading each
    # dimension is the token that comes next.
    chain = [tokens.index(t) for t in ("Hello", "▁world", "!")]
    successor = [chain[0], *chain[1:], eos]

    embeddings = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    embeddings[:, 0] = 1.0
    for dim, token in enumerate(chain, start=1):
        embeddings[token] = 0.0
        embeddings[token, dim] = 1.0
    # After RMS normalisation a one-hot vector is sqrt(N_EMBD) at its dimension.
    output = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    for dim, token in enumerate(successor):
        output[token, dim] = MARGIN / np.sqrt(N_EMBD)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-llama")
    writer.add_context_length(N_CTX)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(1)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD)
    writer.add_rope_dimension_count(N_EMBD // N_HEAD)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * n_vocab)
    writer.add_token_types(types)
    writer.add_unk_token_id(tokens.index("<unk>"))
    writer.add_bos_token_id(tokens.index("<s>"))
    writer.add_eos_token_id(eos)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)
    if mean_pooling:
        writer.add_pooling_type(gguf.PoolingType.MEAN)

    def zeros(*shape: int) -> object:
        return np.zeros(shape, dtype=np.float32)

    writer.add_tensor("token_embd.weight", embeddings)
    writer.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    writer.add_tensor("output.weight", output)
    block = "blk.0."
    writer.add_tensor(block + "attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"{block}{name}.weight", zeros(N_EMBD, N_EMBD))
    writer.add_tensor(block + "ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    writer.add_tensor(block + "ffn_gate.weight", zeros(N_FF, N_EMBD))
    writer.add_tensor(block + "ffn_up.weight", zeros(N_FF, N_EMBD))
    writer.add_tensor(block + "ffn_down.weight", zeros(N_EMBD, N_FF))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    write(Path(sys.argv[1]), mean_pooling="--embedding" in sys.argv[2:])
