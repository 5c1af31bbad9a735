"""The page chain (ingest/extract.py) on small synthetic pages built for each mechanism."""

import json

from summarizer import load_articles
from summarizer.ingest.extract import AGREE, char_f1, choose, main_text, parse
from summarizer.ingest.html import looks_like_page, page_title

PARAS = [
    "秀英区坚持党建引领，以红色物业为抓手，有效激活小区治理，全面发动辖区各个物业党支部冲向抗疫一线。",
    "疫情发生以来，全区物业服务企业累计配送生活物资五千余份，帮助独居老人购药三百余次，守护居民平安。",
    "区住建局负责人表示，下一步将把红色物业经验推广到全区所有小区，让居民在家门口感受到服务的温度。",
]
BODY = "".join(f"<p>{p}</p>" for p in PARAS)


def _page(body: str, title: str = "秀英区红色物业守护小区平安", head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body>{body}</body></html>")


def _load(tmp_path, markup: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(markup, encoding="utf-8")
    return load_articles(path)


def test_a_post_hidden_until_scripts_run_is_read_whole(tmp_path):
    # WeChat keeps the post in #js_content with visibility:hidden; its scripts reveal it.
    markup = _page(f"<div id='meta_content'><span>微信号 FViewXFG</span><span>功能介绍 每日一文</span></div>"
                   f"<div class='rich_media_content' id='js_content' style='visibility: hidden;'>{BODY}</div>"
                   f"<div style='display:none'>分享 收藏</div>", title="秀英区红色物业守护小区平安")
    (article,) = _load(tmp_path, markup)
    assert all(p in article.text for p in PARAS) and "FViewXFG" not in article.text
    # readability drops hidden blocks (it read only the account line): revealed, it agrees
    assert article.meta["extractor"] == "readability (agrees with trafilatura)"


def test_small_hidden_blocks_stay_hidden():
    markup = _page(f"<div style='display:none'>登录后查看更多内容，请先注册账号。</div>{BODY}")
    text = main_text(markup, parse(markup)).text
    assert "登录后查看" not in text and PARAS[0] in text


def test_a_gallery_whose_captions_are_only_in_its_scripts_is_read_from_them(tmp_path):
    gallery = {"sub_images": [{"url": f"http://img/{i}.jpg"} for i in range(3)], "sub_abstracts": PARAS}
    script = f"var BASE_DATA = {{galleryInfo: {{gallery: JSON.parse({json.dumps(json.dumps(gallery))})}}}};"
    markup = _page(f"<div class='gallery'><img src='a.jpg'></div><a href='/x'>相关推荐：另一篇新闻的标题</a>"
                   f"<script>{script}</script>", title="一组图片看秀英区红色物业")
    (article,) = _load(tmp_path, markup)
    assert article.meta["extractor"].startswith("scripts")
    assert all(p in article.text for p in PARAS) and "另一篇新闻" not in article.text


def test_a_government_page_in_layout_tables_is_read_without_its_furniture(tmp_path):
    nav = "<table><tr><td><a href='/'>首页</a></td><td><a>政务公开</a></td><td><a>办事服务</a></td></tr></table>"
    markup = _page(
        f"{nav}<table><tr><td>当前位置：首页 > 政务公开 > 工作动态</td></tr>"
        "<tr><td><h1>秀英区红色物业守护小区平安</h1></td></tr>"
        "<tr><td>发布时间：2022-08-30 10:12　来源：秀英区住建局</td></tr>"
        f"<tr><td class='content'>{BODY}</td></tr>"
        "<tr><td>【打印本页】【关闭窗口】</td></tr></table>"
        "<div class='footer'>主办单位：海口市秀英区人民政府 版权所有 琼ICP备12345678号 网站标识码4601050001</div>",
        title="秀英区红色物业守护小区平安_海口市秀英区人民政府")
    (article,) = _load(tmp_path, markup)
    assert article.title == "秀英区红色物业守护小区平安"
    assert article.text.splitlines() == PARAS
    assert article.source == "秀英区住建局" and str(article.date) == "2022-08-30"


def test_the_site_name_or_an_ad_tag_is_never_the_title():
    site = _page("<h1 class='logo'>海口市秀英区人民政府</h1><h1>秀英区红色物业守护小区平安</h1>" + BODY,
                 title="秀英区红色物业守护小区平安_海口市秀英区人民政府")
    assert page_title(site) == "秀英区红色物业守护小区平安"
    logo_only = _page("<h1>海口市秀英区人民政府</h1>" + BODY, title="秀英区红色物业守护小区平安_海口市秀英区人民政府")
    assert page_title(logo_only) == "秀英区红色物业守护小区平安"
    ad = _page("<h1>[广告]</h1>" + BODY, title="[广告] 秀英区红色物业守护小区平安_海口新闻网")
    assert page_title(ad) == "秀英区红色物业守护小区平安"


def test_the_readings_are_chosen_by_agreement_and_story_share():
    story = "\n".join(PARAS)
    menu = "\n".join(["首页", "新闻中心", "政务公开", "办事服务", "互动交流", "专题专栏"] * 5)
    assert choose(story + "\n分享", story) == (story, "readability (agrees with trafilatura)")
    assert char_f1(story + "\n分享", story) >= AGREE
    assert choose(story, menu + "\n" + PARAS[0])[0] == story  # disagree: the reading that is story wins
    assert choose(menu, story)[0] == story
    assert choose(story, "短")[1] == "trafilatura"  # a reading of almost nothing never wins


def test_a_page_is_recognised_behind_a_wrapper_or_without_its_html_tag():
    assert looks_like_page('<text id="http://x" title="标题">\n<html><body>' + BODY + "</body></html>")
    bare = "<form>" + "<div class='nav'><a href='/a'>栏目</a></div>" * 80 + BODY + "</form>"
    assert looks_like_page(bare)
    assert not looks_like_page("<p>" + PARAS[0] + "</p><p>" + PARAS[1] + "</p>")  # a fragment
    assert not looks_like_page("---\ntitle: x\n---\n<div>" + BODY + "</div>")


def test_a_page_keeps_its_fill_in_blanks_and_the_table_its_story_ends_with(tmp_path):
    blank = "“不要作糊涂人，要______主的______如何。”请把空栏填好，再彼此分享你的体会和理由。"
    rows = "".join(f"<tr><td>{c}</td><td>1.</td><td>2.</td></tr>" for c in ("圣经的原理", "环境的带领", "肢体的劝告"))
    markup = _page(f"<article><h1>秀英区红色物业守护小区平安</h1>{BODY}<p>{blank}</p>"
                   f"<p>请写出急需明白的三个问题，并用一周时间分辨，填入下表：</p><table>{rows}</table></article>")
    (article,) = _load(tmp_path, markup)
    assert blank in article.text
    assert article.text.splitlines()[-3:] == ["圣经的原理1.2.", "环境的带领1.2.", "肢体的劝告1.2."]
