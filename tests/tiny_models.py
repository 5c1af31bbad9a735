"""Tiny random models for tests, built from tokenizers trained on ``seeds/`` (seconds, no download).

Both are saved with ``save_pretrained`` and loaded back through the user's code path (``hf.load``):
a T5 with a sentencepiece model (``spiece.model``, as mT5 ships it) and a Qwen2-style decoder with a
byte-level BPE tokenizer and a ChatML chat template. Their weights are random (seeded), so what they
write is gibberish; the tests pin behaviour (budgets, notes, fallbacks), not wording.
"""

from __future__ import annotations

import json
from pathlib import Path

SEQ2SEQ_LIMIT = 256  # tokens: every seed is longer, so map-reduce runs
CHAT_CONTEXT = 768
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_t5(corpus: list[Path], out: Path) -> Path:
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    text = out / "corpus.txt"
    text.write_text("\n".join(p.read_text(encoding="utf-8") for p in corpus), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(text), model_prefix=str(out / "spiece"), vocab_size=1500, character_coverage=1.0,
        hard_vocab_limit=False, pad_id=0, eos_id=1, unk_id=2, bos_id=-1, minloglevel=2,
    )
    text.unlink()
    (out / "spiece.vocab").unlink()
    config = {"tokenizer_class": "T5Tokenizer", "extra_ids": 0, "model_max_length": SEQ2SEQ_LIMIT}
    (out / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    tokenizer = T5Tokenizer.from_pretrained(out)  # converts spiece.model as it would for a real mT5
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(T5Config(
        vocab_size=len(tokenizer), d_model=32, d_ff=64, d_kv=16, num_layers=1, num_decoder_layers=1,
        num_heads=2, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
    ))
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    return out


def build_qwen2(corpus: list[Path], out: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train([str(p) for p in corpus], trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        chat_template=CHATML, model_max_length=CHAT_CONTEXT)
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=CHAT_CONTEXT,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True,
    ))
    tokenizer.save_pretrained(out)
    model.save_pretrained(out)
    return out
