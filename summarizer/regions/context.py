"""What the words around a place name say: where the story is not, and where it surely is.

A news story is about the place where its event happens. Texts name other places too: a person's
background (生于上海, 曾在南京生活, 来自西安, ``（男，39岁，太原市人）``) describes the person; a digest of
separate items (``午间公告：当升科技：……。金陵药业：……。``) has no single place unless at least half of
its items share it; a named event or practice (成都车展, 龙江模式) labels it; a photo caption, a file
photo's caption or a linked story (此前报道：…) is beside the story, and so is the title of a film or a
book; and the whole country is told by words such as 全国, 国务院. Where a sentence says an event took
place (在呼和浩特举行), the place is surely the story's.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..text import CJK

# Background of a person, right before the name: born in, native of, once lived in, comes from.
_BIO_BEFORE = re.compile(r"(?:生于|出生于|出生在|祖籍|籍贯|原籍|曾在|曾经在|来自)$")
# ... or right after it: 江苏籍, 在南京逝世.
_BIO_AFTER = re.compile(r"(?:籍|逝世|去世|病逝)")
# A parenthesis describing a person by sex or age, hometown included: （男，39岁，太原市人）.
_PERSON_NOTE = re.compile(r"[（(][^（）()]{0,30}?(?:[男女][，,、]|\d{1,3}岁)[^（）()]{0,30}?[）)]")
BIO_LOOKBEHIND = 4  # characters before a name searched for _BIO_BEFORE

# A digest item opens a sentence with a short label and a colon (当升科技：…) and says at least a
# clause. Labels that introduce a quote (张三说：, 问：) or name a form field (时间：, 建设地点：,
# 项目名称： — a notice's fields belong to one story) do not open an item.
_ITEM = re.compile(r"(?:^|(?<=[。！？\n]))\s*([^\s，。！？：:；、“”\"（）()]{2,8})[：:](?=[^\n。]{12})")
_NOT_ITEM = re.compile(r"(?:说|表示|称|问|答|指出|介绍|认为|强调|透露|提醒|记者|编辑|来源|原标题|摘要|导语|注"
                       r"|时间|日期|地点|地址|内容|主题|对象|电话|联系人|备注|名称|单位|方式|范围|规模|金额|期限"
                       r"|要求|条件|编号|类型)$")
DIGEST_ITEMS = 3  # distinct labelled items before a text counts as a digest


# An institution where a person studied (毕业于清华大学, 北京大学光华管理学院金融学硕士, 同济校友, 被北京大学录取)
# is the person's background.
_STUDY_BEFORE = re.compile(r"(?:毕业于|就读于|求学于|考入|考取|考上|保送|保研)$")
_STUDY_AFTER = re.compile(r"[^，,。；;！？、\n]{0,12}?(?:毕业|硕士|博士|学士|本科|校友|录取|肄业|深造)")
# Where a text says it is *at* an institution (在清华大学, 走进复旦, 于哈工大举行): the story's place.
_AT_BEFORE = re.compile(r"(?:[在于赴到]|走进|来到|前往|落户|落地|走访|参观)$")


def studied(text: str, start: int, end: int) -> bool:
    """Whether the institution named at ``text[start:end]`` is where a person studied."""
    return bool(_STUDY_BEFORE.search(text, max(0, start - BIO_LOOKBEHIND), start) or _STUDY_AFTER.match(text, end))


def at_place(text: str, start: int, end: int) -> bool:
    """Whether the sentence puts the story at the institution (在清华大学, 走进复旦大学), or an event there.

    Not at an affiliate (复旦大学附属儿科医院): that is an organisation of its own, elsewhere in the city.
    """
    if text.startswith("附属", end):
        return False
    return bool(_AT_BEFORE.search(text, max(0, start - 2), start)) or event_place(text, start, end)


def person_notes(text: str) -> list[tuple[int, int]]:
    """Spans of parentheses that describe a person (sex, age, hometown)."""
    return [m.span() for m in _PERSON_NOTE.finditer(text)]


def biographical(text: str, start: int, end: int, notes: list[tuple[int, int]]) -> bool:
    """Whether the name at ``text[start:end]`` is a person's birthplace, hometown or past residence."""
    if _BIO_BEFORE.search(text, max(0, start - BIO_LOOKBEHIND), start) or _BIO_AFTER.match(text, end):
        return True
    return any(a <= start and end <= b for a, b in notes)


def digest_items(text: str) -> list[str]:
    """The items of a digest (one per labelled sentence, plus any text before the first); [] if not one."""
    items = [m for m in _ITEM.finditer(text) if not _NOT_ITEM.search(m.group(1))]
    if len({m.group(1) for m in items}) < DIGEST_ITEMS:
        return []
    bounds = [0, *(m.start() for m in items), len(text)]
    return [text[a:b] for a, b in pairwise(bounds) if text[a:b].strip()]


# A place name opening the name of a named event (成都车展, 杭州亚运会, 北京冬奥会) or practice (龙江模式,
# 枫桥经验) labels it; stories about a product shown there, an athlete who competed or a model copied
# elsewhere name it in passing. The name may hold a few more characters (成都国际车展) but no function
# word (成都的车展 is a statement).
_EVENT_NAME = re.compile(
    rf"(?:(?![的和与及在是等将对向从为一某多几各家分])[{CJK}]){{0,4}}?"
    r"(?:车展|博览会|展览会|冬奥会|亚运会|亚残运会|大运会|运动会|奥运会|残奥会|马拉松|峰会|论坛|音乐节|电影节|交易会"
    r"|模式|经验)")
# 在呼和浩特举行, 于深圳召开: the sentence says the event took place there.
_EVENT_AFTER = re.compile(
    r"[^。！？；，,\n]{0,12}?(?:举行|举办|召开|开幕|闭幕|落幕|揭幕|启幕|启动|开展|发生|签约|开工)")
_EVENT_BEFORE = "在于赴"
# A photo caption (图：…, 图为…, ▲…) describes the picture beside the story; after a marker such as
# 此前报道： or 相关阅读 to the end of the paragraph comes another story.
_ASIDE = re.compile(r"(?:^|(?<=[。！？\n：:]))\s*(?:图[：:]|图为|图片[：:]|▲|△)[^。！？\n]*"
                    r"|(?:此前报道|相关报道|相关新闻|相关阅读|延伸阅读|推荐阅读|往期回顾|往期推荐|更多阅读)[^\n]*")


def names_event(text: str, end: int) -> bool:
    """Whether the place name ending at ``end`` opens a named event's name."""
    return _EVENT_NAME.match(text, end) is not None


def event_place(text: str, start: int, end: int) -> bool:
    """Whether the place name at ``text[start:end]`` is where the sentence says an event took place."""
    return start > 0 and text[start - 1] in _EVENT_BEFORE and _EVENT_AFTER.match(text, end) is not None


# A file photo (视觉中国 资料图) shows another occasion: its caption, the sentence before the credit
# (or the one the credit closes), says nothing of where this story is.
_FILE_PHOTO = re.compile(r"资料图(?:片)?")
CREDIT_CHARS, CAPTION_CHARS = 12, 100  # the longest credit before 资料图 (视觉中国), and caption
# The title of a work (《暗恋·橘生淮南》, 《长安三万里》) is what the work is about; the title of a
# regulation, plan or report (《上海市药品行政执法…办法》) names the place that issued it.
_TITLE = re.compile(r"《([^《》\n]{1,40})》")
_DOCUMENT = re.compile(r"(?:条例|办法|规定|规划|方案|预案|意见|通知|决定|决议|细则|纲要|公告|通告|报告|白皮书|标准"
                       r"|措施|计划|名单|清单|目录|指南|指引|函|批复|公报|协议|法)$")


def _file_photo_captions(text: str) -> list[tuple[int, int]]:
    def sentence_start(end: int) -> int:
        return max(text.rfind(c, 0, end) for c in "。！？\n") + 1

    out = []
    for m in _FILE_PHOTO.finditer(text):
        start = sentence_start(m.start())
        if m.start() - start <= CREDIT_CHARS:  # 视觉中国 资料图 after the caption's full stop
            start = sentence_start(max(0, start - 1))
        if m.start() - start <= CAPTION_CHARS:
            out.append((start, m.end()))
    return out


def aside_spans(text: str) -> list[tuple[int, int]]:
    """Spans of photo captions, of other stories' text and of the titles of works."""
    return [*(m.span() for m in _ASIDE.finditer(text)), *_file_photo_captions(text),
            *(m.span() for m in _TITLE.finditer(text) if not _DOCUMENT.search(m.group(1)))]


# Words of a story about the whole country: 全国 (but not 全国首个, 全国文明城市, 全国人大代表, which
# rank or title something local), the central government and its ministries, 多个省市, and the
# state's voice abroad (中方, 中国大使馆, 中国内政).
_NATIONAL = re.compile(
    r"全国(?!首|第一|唯一|领先|前列|文明|人大|政协|劳模|劳动模范|先进|百强|重点|示范|优秀|十佳|五一|道德模范)"
    r"|我国|国务院|中共中央|党中央|国新办|中央气象台|中央纪委|国家监委|最高人民法院|最高人民检察院|最高法|最高检"
    rf"|国家(?:发改委|发展改革委|[{CJK}]{{1,6}}?(?:总局|局|委|署))|各省|多地|各地|多个?省(?:份|市|区)"
    # The state speaking to the world: 中方 (not 中方县), China's embassies and consulates abroad.
    rf"|中方(?!县)|中国(?:驻[{CJK}]{{1,8}}?)?(?:大使馆|总?领事馆)|中国内政|中国内部事务"
    r"|(?:外交|教育|财政|商务|公安|民政|司法|水利|交通运输|农业农村|自然资源|生态环境|应急管理|工业和信息化|工信"
    r"|人力资源和?社会保障|人社|住房和?城乡建设|住建|文化和旅游|文旅|科技|国防|退役军人事务)部(?!门)")
# Words of a story told by a local government about its own place (全省, 我市, 省委): a local
# story that quotes the centre (落实党中央、国务院部署) is still local.
_LOCAL_VOICE = re.compile(r"(?:全|我|本)(?:省|市|区|县|州)(?![场域])"  # not 全市场, 全区域
                          rf"|(?<!社)[省市区县州](?:委|政府|人大|政协)(?![{CJK}]{{0,2}}部)")  # not 社区委员会


# Short names of the same body (工信部 is 工业和信息化部): one cue, however it is written.
_SAME_BODY = {
    "工信部": "工业和信息化部", "人社部": "人力资源和社会保障部", "人力资源社会保障部": "人力资源和社会保障部",
    "住建部": "住房和城乡建设部", "住房城乡建设部": "住房和城乡建设部", "文旅部": "文化和旅游部",
    "国家发改委": "国家发展改革委", "最高法": "最高人民法院", "最高检": "最高人民检察院",
    "国家卫健委": "国家卫生健康委", "国家林草局": "国家林业和草原局", "国家标准委": "国家标准化管理委",
    "国家发展和改革委": "国家发展改革委",  # as _NATIONAL finds it: the shortest 国家…委
    "国家市场监督管理总局": "国家市场监管总局", "国家药品监督管理局": "国家药监局", "国家医疗保障局": "国家医保局",
    "国家广播电视总局": "国家广电总局"}


def national_cues(text: str) -> list[str]:
    """The words in ``text`` that speak of the whole country (a body's short name as its full one)."""
    return [_SAME_BODY.get(cue, cue) for cue in _NATIONAL.findall(text)]


def local_voice(text: str) -> bool:
    """Whether ``text`` speaks as a local government of its own place (全省, 我市, 市委)."""
    return _LOCAL_VOICE.search(text) is not None
