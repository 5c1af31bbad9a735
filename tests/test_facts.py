from summarizer.facts import (
    chinese_to_int,
    figures,
    key_figures,
    parse_number,
    unsupported_figures,
    unsupported_names,
)

SOURCE = "一天时间，物业就为2836户业主配送物资近6万份。8月4日，组织126名党员。覆盖率达80%。"


def test_chinese_numerals():
    assert [chinese_to_int(x) for x in ("六", "十", "二十五", "一百零八", "两千")] == [6, 10, 25, 108, 2000]
    assert chinese_to_int("abc") is None


def test_normalised_values_match_across_forms():
    assert parse_number("6", "万") == parse_number("六", "万") == 60000


def test_figures_with_units_and_dates():
    found = {(f.text, f.unit) for f in figures(SOURCE)}
    assert {("2836户", "户"), ("近6万份", "份"), ("8月4日", "日期"), ("126名", "名"), ("80%", "%")} <= found


def test_invented_figure_is_reported_and_equivalent_forms_are_not():
    assert unsupported_figures("物业为2863户业主配送物资近六万份。", SOURCE) == ["2863户"]
    assert unsupported_figures("8月4日，126名党员为2836户业主配送近六万份物资。", SOURCE) == []
    assert unsupported_figures("8月5日开展工作。", SOURCE) == ["8月5日"]


def test_key_figures_skip_plain_words_and_carry_sentence():
    keys = key_figures(SOURCE)
    # One figure per sentence: 近6万份 shares its sentence with 2836户, so the quotes do not repeat.
    assert [k.text for k in keys] == ["2836户", "126名", "80%"]
    assert all(k.text in k.sentence and k.sentence in SOURCE for k in keys)


def test_key_figures_come_from_clean_sentences_and_whole_numbers():
    text = ("\ufffd\ufffd目前建设的码头长770米。码头长770米，可停靠邮轮。增长2．8％。规模达3万亿美元。"
            "B2栋楼内住户200户。")
    keys = {k.text: k for k in key_figures(text)}
    assert all("\ufffd" not in k.sentence for k in keys.values())
    assert keys["770米"].sentence == "码头长770米，可停靠邮轮。"
    assert "2．8％" in keys and keys["2．8％"].value == 2.8  # a full-width point is a decimal point
    assert keys["3万亿美元"].value == 3e12
    assert "200户" in keys and "2栋" not in keys  # B2栋 is a building's name, not two buildings


def test_invented_organisation_names_are_reported_and_generic_ones_are_not():
    source = "悦山国际小区封闭管理。哈尔滨市南岗区某街道办事处协调物资。"
    assert unsupported_names("阳光小区物业为业主配送物资。", source) == ["阳光小区"]
    # a common word before the noun is a verb or modifier, not a name: 帮助社区 is "helping the community"
    assert unsupported_names("物业帮助社区做好防控，建设小区花园。", source) == []
    assert unsupported_names("哈尔滨一小区物业配送物资。", source) == []  # 一小区: "a compound", a count
    assert unsupported_names("悦山国际小区和周边社区、该小区、三个社区的物业公司。", source) == []


def test_vague_counts_and_bare_days_are_not_key_figures():
    text = "辖区数十万人参与。当地时间20日宣布，共发放物资5000余份。"
    assert [k.text for k in key_figures(text)] == ["5000余份"]
    assert "数十万人" in {f.text for f in figures(text)}  # still a figure for the faithfulness check
    assert unsupported_figures("数十万人参与。", text) == []
