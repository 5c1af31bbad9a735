import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.config import load_settings
from summarizer.errors import ConfigError
from summarizer.regions import divisions, resolve, short_name
from tests.conftest import make_article, seed

EXPECTED = {
    "000": ("黑龙江省", "哈尔滨市", None),
    "001": ("四川省", "内江市", None),
    "003": ("海南省", "海口市", "秀英区"),
    "004": ("河南省", "商丘市", "睢阳区"),
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_regions(seed_articles, prefix):
    region = resolve(seed(seed_articles, prefix))
    province, city, county = EXPECTED[prefix]
    assert (region.province, region.city) == (province, city)
    if county:
        assert region.county == county
    assert 0 < region.confidence <= 1 and region.evidence and region.scope == "local"


def test_seed_002_every_story_is_liaocheng_and_tieta_is_dongchangfu(seed_articles):
    # 002 is a newspaper page; ingest may read it as one article or split it into several.
    stories = [a for a in seed_articles if a.path is not None and a.path.name.startswith("002")]
    assert stories
    for article in stories:
        region = resolve(article)
        assert (region.province, region.city) == ("山东省", "聊城市"), article.title
        if "铁塔社区" in article.text:
            assert region.county == "东昌府区"


def test_short_names():
    assert short_name("内江市") == "内江"
    assert short_name("广西壮族自治区") == "广西"
    assert short_name("秀英区") == "秀英"
    assert short_name("东区") is None


def test_district_implies_city_and_province_and_ambiguous_names_use_context():
    assert resolve(make_article("秀英区物业开展消杀。")).label() == "海南省海口市秀英区"
    # 鼓楼区 and 朝阳区 exist in several cities; the article names the right one.
    r = resolve(make_article("福州市鼓楼区物业开展消杀，鼓楼区居民点赞。"))
    assert (r.city, r.county) == ("福州市", "鼓楼区")
    r = resolve(make_article("吉林省长春市一小区发生高空抛物。长春市朝阳区公安局已立案。"))
    assert (r.province, r.city, r.county) == ("吉林省", "长春市", "朝阳区")


def test_municipality_gives_same_name_as_city():
    r = resolve(make_article("北京市朝阳区物业开展消杀。"))
    assert (r.province, r.city, r.county) == ("北京市", "北京市", "朝阳区")
    assert r.code == "110105"


def test_front_matter_region_wins():
    r = resolve(make_article("商丘市物业开展消杀。商丘市居民点赞。", meta={"region": "海口市"}))
    assert r.city == "海口市"


def test_no_place_gives_unknown():
    r = resolve(make_article("物业为业主配送物资。"))
    assert not r.known and r.label() == "其他地区" and r.scope == "unknown"


def test_outlet_alone_is_weak_evidence_but_used():
    r = resolve(make_article("小区物业一天为近3000业户配送物资。", source="哈尔滨新闻网"))
    assert (r.province, r.city) == ("黑龙江省", "哈尔滨市")


@pytest.mark.parametrize(("text", "wrong"), [
    ("据东方今报报道，商丘市睢阳区物业开展消杀，睢阳区居民点赞。", "海南省"),  # newspaper
    ("阿里巴巴在杭州市余杭区发布新品，余杭区企业参加。", "西藏自治区"),  # company
    ("宁波远洋公司的货轮停靠青岛市黄岛区码头，黄岛区港口忙碌。", "浙江省"),  # company
    ("上海市黄浦区南京东路街道组织志愿者，黄浦区居民点赞。", "江苏省"),  # street
    ("江苏省如皋市长沙镇开展消杀，如皋市居民点赞。", "湖南省"),  # town
    ("天津市河北区物业开展消杀，河北区居民点赞。", "河北省"),  # district of Tianjin
    ("会上，宁波同志介绍了经验。合肥市包河区物业开展消杀。", "浙江省"),  # a person
])
def test_traps_do_not_pick_the_wrong_province(text, wrong):
    assert resolve(make_article(text)).province not in (wrong, None)


def test_estate_parts_and_street_names_are_not_districts():
    assert not resolve(make_article("社区核酸采样点设在阳光小区东区，西区居民排队有序。")).known
    r = resolve(make_article("海口市秀英区阳光小区东区物业开展消杀，秀英区居民在南京路上排队。"))
    assert (r.province, r.city, r.county) == ("海南省", "海口市", "秀英区")


def test_town_points_to_its_district_and_old_names_to_the_new_division():
    r = resolve(make_article("聊城市古楼街道铁塔社区为居民送水饺。"))
    assert (r.city, r.county) == ("聊城市", "东昌府区")
    r = resolve(make_article("襄樊市物业开展消杀，襄樊居民点赞。"))
    assert (r.province, r.city) == ("湖北省", "襄阳市")


def test_nickname_counts_with_support():
    r = resolve(make_article("山东省水城物业行业积极响应。", title="水城物业人逆行而上"))
    assert r.city == "聊城市"
    assert not resolve(make_article("南部地区的业主和合作单位一起开会。")).known


def test_taiwan_abbreviations_and_districts():
    r = resolve(make_article("北市士林区一对母子在住处身亡，士林区警方到场。", title="北市士林年迈母子身亡"))
    assert (r.province, r.city, r.county) == ("台湾省", "台北市", "士林区")
    r = resolve(make_article("香港特区政府宣布，香港将加强防疫。"))
    assert (r.province, r.city) == ("香港特别行政区", None)


def test_several_provinces_are_multi_and_whole_country_national():
    text = "北京市、上海市、广东省、四川省和陕西省的物业企业参加了活动，各地代表发言。"
    assert resolve(make_article(text)).scope == "multi"
    text = "国务院部署全国物业防疫。北京市、上海市、广东省、四川省和陕西省率先行动，全国各地响应。"
    r = resolve(make_article(text))
    assert r.scope == "national" and r.province is None


def test_story_abroad_and_passing_mentions_are_unknown():
    text = "日本最后一家传呼机公司停止服务。东京的用户说，日本的传呼机时代结束了。一位青岛网友留言。"
    assert resolve(make_article(text, title="日本传呼机停止服务")).province is None
    long_story = "物业为业主配送物资。" * 30 + "一位业主的亲戚在成都工作。"
    assert resolve(make_article(long_story)).province is None


def test_aliases_name_places_or_hide_names():
    article = make_article("铁塔社区为居民送水饺。", source="东方今报")
    assert resolve(article, aliases={"铁塔社区": "山东省聊城市东昌府区"}).label() == "山东省聊城市东昌府区"
    article = make_article("东方今报记者报道，物业为业主送菜。", title="东方今报：物业送菜")
    assert resolve(article, aliases={"东方今报": ""}).province is None


def test_config_regions_table(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[regions]\n"铁塔社区" = "聊城市东昌府区"\n', encoding="utf-8")
    assert load_settings(path).region_aliases == {"铁塔社区": "聊城市东昌府区"}
    path.write_text('[regions]\n"铁塔社区" = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[regions\]"):
        load_settings(path)


def test_division_table_has_every_province_and_recent_divisions():
    table = divisions()
    assert len({d.province for d in table}) == 34
    names = {(d.province, d.city, d.county) for d in table if d.level == 3}
    assert ("海南省", "海口市", "秀英区") in names
    assert ("浙江省", "杭州市", "临平区") in names  # created in 2021, after cpca 0.5.5's table
    assert ("台湾省", "台北市", "士林区") in names


def test_region_column_of_json_input_wins(tmp_path):
    from summarizer import load_articles

    path = tmp_path / "a.json"
    record = '{"title": "物业开展消杀", "text": "商丘市物业开展消杀。商丘市居民点赞。", "region": "海口市秀英区"}'
    path.write_text(f"[{record}]", encoding="utf-8")
    (article,) = load_articles(path)
    assert resolve(article).label() == "海南省海口市秀英区"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["北京市", "朝阳区", "水城", "北市", "东区", "日本", "全国", "宁波同志", "，", "。",
                                 "\n", "物业", "长沙镇", "阿里巴巴", "南部"]), max_size=40))
def test_any_text_gives_a_consistent_region(parts):
    r = resolve(make_article("".join(parts)))
    assert r.scope in {"local", "multi", "national", "unknown"}
    assert (r.province is not None) == (r.scope == "local")
    assert 0 <= r.confidence <= 1


def test_quote_led_story_takes_its_place_from_the_second_paragraph():
    text = ("“谢谢你们送来的水饺！”工作人员感谢道。“说谢谢的应该是我们。”董事长说。\n"
            "东昌府区古楼街道铁塔社区人员密集，每天从早到晚忙碌不停。\n大家积极响应，很快就制作了水饺。")
    region = resolve(make_article(text, title="送水饺"))
    assert (region.city, region.county) == ("聊城市", "东昌府区")


def test_beijing_time_is_a_time_zone_not_a_place():
    text = "北京时间9月11日凌晨，苹果公司在美国总部发布新手机，售价699美元。北京时间上午，新品开始预约。"
    assert resolve(make_article(text, title="苹果发布新手机")).province is None
    r = resolve(make_article("北京时间8月1日，北京市朝阳区物业开展消杀，朝阳区居民点赞。"))
    assert (r.province, r.county) == ("北京市", "朝阳区")


def test_a_persons_birthplace_hometown_or_past_home_is_not_the_story_place():
    text = ("近日，一首经典儿歌被改编成新版本，引发网友讨论。作曲家张某曾在南京创作并生活多年。"
            "张某生于上海，2009年在南京逝世。他的家人说，经典不宜随意改动。")
    assert resolve(make_article(text, title="经典儿歌被改编")).province is None
    text = ("海口市秀英区发生一起交通事故。肇事司机王某（男，39岁，太原市人）已被警方控制，"
            "伤者李某（女，37岁，大同市人）被送往秀英区人民医院救治。")
    r = resolve(make_article(text, title="秀英区发生交通事故"))
    assert (r.province, r.county, r.confidence) == ("海南省", "秀英区", 1.0)  # no share for Shanxi


def test_a_digest_of_separate_items_needs_most_items_to_name_the_place():
    digest = ("证券时报讯，甲科技：拟在常州市投资建设新材料产业基地项目。乙药业：获公司高管增持股份约100万股，"
              "增持后合计持股比例上升。丙股份：中标风电项目，中标金额为7亿元。丁科技：收到证监局行政监管措施决定书。")
    r = resolve(make_article(digest, title="午间公告"))
    assert r.province is None and "digest" in r.evidence[0]
    local = ("海口简讯。秀英区：开展环境卫生消杀活动，覆盖全区120个小区。龙华区：为独居老人配送蔬菜物资共3000份。"
             "美兰区：组织志愿者上门为居民提供服务。")
    assert resolve(make_article(local, title="海口简讯")).label() == "海南省海口市"
    # The fields of one notice are not separate items.
    for form in ("时间：8月1日上午九点至十一点整。地点：海口市秀英区阳光小区东门广场。"
                 "内容：为小区居民免费体检并发放药品。",
                 "项目名称：阳光小区二期住宅楼建设工程。建设单位：某某房地产开发有限公司。"
                 "建设地点：海口市秀英区阳光小区以南地块。"):
        assert resolve(make_article(form, title="通知")).label() == "海南省海口市秀英区"


def test_an_address_confirms_its_parts_and_a_street_form_names_its_town():
    # 红旗街 is the street 红旗街道 (a sub-district of 长春市朝阳区) is named after; the address
    # 长春市红旗街 confirms it, and 吉林省长春市 is one address, not two places.
    r = resolve(make_article("吉林省长春市红旗街一商场发生高空抛物，警方已立案。"))
    assert r.label() == "吉林省长春市朝阳区"
    # 红旗街道 also exists in 吉林市, 四平市…: without its city a street form counts nothing.
    assert not resolve(make_article("红旗街一商场发生高空抛物，警方已立案。")).known


def test_xinjiang_and_its_prefectures_are_known_by_their_short_names():
    r = resolve(make_article("新疆伊犁河谷迎来旅游旺季，伊犁各景区游客如织。"))
    assert (r.province, r.city) == ("新疆维吾尔自治区", "伊犁哈萨克自治州")


def test_a_province_short_name_means_the_province_not_a_county_elsewhere():
    text = "河北中部出现暴雨。国家防总针对北京、天津、河北启动应急响应，河北多地转移群众。"
    r = resolve(make_article(text))
    assert r.county != "河北区" and r.province != "天津市"
    r = resolve(make_article("海南省乐东县开展台风防御，海南多地停课。"))
    assert r.province == "海南省"


def test_county_level_cities_administered_by_the_province_are_cities():
    for name in ("潜江市", "天门市", "琼海市"):
        r = resolve(make_article(f"{name}开展防汛演练，{name}居民参加。"))
        assert r.city == name and r.county is None, name


def test_taiwan_divisions_missing_from_the_tree():
    r = resolve(make_article("桃园市平镇区一处工厂起火，平镇区消防局到场。"))
    assert (r.province, r.city, r.county) == ("台湾省", "桃园市", "平镇区")
    assert resolve(make_article("新竹市科学园区停电，新竹市政府说明原因。")).city == "新竹市"


def test_word_like_county_names_need_their_city_and_two_nested_names_vouch_for_each_other():
    # 合作 (甘肃合作市) and 清水 (甘肃清水县) are words; naming Gansu once does not make them places.
    text = ("中新网陕西汉中8月4日电 陕南绿色循环经济项目合作推介会在陕西汉中举行，深化合作意愿、拓宽合作思路，"
            "与安徽、山东、甘肃等10个省份开展合作，确保一泓清水永续北上，合作潜力巨大。")
    r = resolve(make_article(text))
    assert (r.province, r.city) == ("陕西省", "汉中市")
    # 会同 and 通道 are both counties of 怀化市 and both words: they do not vouch for each other.
    assert not resolve(make_article("国家医保局会同财政部印发通知，完善“双通道”管理。")).known
    # 盈浦街道 lies in 青浦区: together they name the place though neither Shanghai nor a city is named.
    r = resolve(make_article("盈浦街道“国旗下成长”青浦青少年升旗仪式在盘龙浦社区举行。"))
    assert r.label() == "上海市青浦区"


def test_datelines_name_the_place_and_an_outlets_own_report_its_home():
    r = resolve(make_article("中新网新疆新闻8月16日电 记者从自治区文旅厅获悉，今年暑期游客量创新高。"))
    assert r.province == "新疆维吾尔自治区" and r.reason == "电头：中新网新疆新闻8月16日电"
    r = resolve(make_article("湖北日报讯（记者李光正）8月12日，童伴妈妈培训班开班，60余人参加培训。"))
    assert r.province == "湖北省" and r.reason.startswith("电头：")
    r = resolve(make_article("新民晚报讯（记者 杨硕）日前，建筑设计博览会举行，展出近百件作品。"))
    assert r.province == "上海市"
    # A reporter's byline alone says nothing: outlets report from everywhere.
    assert not resolve(make_article("封面新闻记者 粟裕 上周医药板块换手率超常，25家公司周平均换手率超过10%。")).known


def test_a_beijing_dateline_counts_only_where_the_text_names_beijing():
    text = "新华社北京8月14日电 最高人民法院14日发布司法解释，国务院有关部门将在全国推行。"
    r = resolve(make_article(text))
    assert r.province is None and r.scope == "national"
    r = resolve(make_article("新华社北京8月14日电 北京市朝阳区一小区开展消防演练，朝阳区居民参加。"))
    assert r.label() == "北京市朝阳区"


def test_where_the_event_took_place_outweighs_organisations_from_elsewhere():
    text = ("8月1日，内蒙古老牛慈善基金会与广东科学中心在呼和浩特举行合作签约仪式。广东科学中心主任出席。"
            "广东科学中心将建设儿童探索馆。")
    r = resolve(make_article(text))
    assert r.province == "内蒙古自治区" and "在呼和浩特举行" in r.reason


def test_an_event_named_after_a_place_is_a_passing_mention():
    text = ("理想汽车今日宣布，将在8月25日开幕的成都车展举行发布会，届时公布新车型的进展。新车采用800V高压平台，"
            "今年第四季度发布。官方称新车将成为销量第一的产品。")
    assert not resolve(make_article(text)).known


def test_a_list_of_places_weighs_one_mention():
    text = ("暑运以来，北京南站客流量保持高位，主要集中在天津、济南、上海、杭州、合肥、南京、青岛等方向。"
            "北京南站新建了空调等候区。北京南站还开放了夜间网约车载客功能。")
    assert resolve(make_article(text)).province == "北京市"


def test_where_a_caller_comes_from_and_another_story_linked_below_are_not_the_place():
    text = ("上海浦东公安分局川沙派出所接到一通来自西安的报警求助。民警调查发现，小刘在上海市浦东新区川沙有活动轨迹。"
            "通过西安警方核实，西安的张女士确认了信息。")
    assert resolve(make_article(text)).province == "上海市"
    text = ("广东东莞有两名女子往河里“放生”鱼豆腐，东莞水务局回应。此前报道：山东青岛有多位大爷大妈围聚崂山水库，"
            "往水库倾倒矿泉水，青岛市崂山区回应。青岛警方已介入。")
    assert resolve(make_article(text)).label() == "广东省东莞市"


def test_a_delegation_abroad_is_its_provinces_story_but_a_story_abroad_is_not_local():
    text = ("山西品牌丝路行在巴西圣保罗启动。巴西圣保罗商会、巴西华人协会出席，圣保罗投促局推介，巴西客商踊跃。"
            "山西代表团签约。")
    assert resolve(make_article(text, title="山西品牌丝路行（南美站）启动")).province == "山西省"
    assert resolve(make_article(text, title="丝路行南美站启动")).province is None


def test_reason_quotes_the_winning_evidence():
    r = resolve(make_article("物业开展消杀。", title="海口市秀英区物业开展消杀"))
    assert r.reason == "标题：海口市秀英区物业开展消杀"
    r = resolve(make_article("近日，商丘市睢阳区宋城街道办事处组织志愿者消杀。"))
    assert r.reason.startswith("导语：") and "商丘市睢阳区" in r.reason
    assert resolve(make_article("物业为业主配送物资。")).reason == "未提及地名"


def test_load_articles_resolves_regions_and_ingest_shows_the_reason(tmp_path):
    from typer.testing import CliRunner

    from summarizer import load_articles
    from summarizer.cli import app

    path = tmp_path / "a.txt"
    path.write_text("秀英区物业开展消杀\n\n近日，海口市秀英区物业开展消杀，秀英区居民点赞。\n", encoding="utf-8")
    (article,) = load_articles(path)
    assert article.region.label() == "海南省海口市秀英区" and article.region.reason
    (article,) = load_articles(path, aliases={"秀英区": "山东省聊城市东昌府区"})
    assert article.region.city == "聊城市"
    result = CliRunner().invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0 and "依据: " in result.output and "海南省海口市秀英区" in result.output


def test_no_province_holding_half_of_the_text_is_several_provinces_however_many_share_the_rest():
    # Twelve provinces in separate sentences, one of them twice: no second province is strong, but
    # the first holds far less than half of what the text says.
    provinces = ["黑龙江", "吉林", "辽宁", "河北", "山西", "河南", "山东", "江苏", "浙江", "江西", "湖南"]
    text = "湖北恩施出现暴雨。" + "".join(f"{p}部分地区有雷雨。" for p in provinces) + "湖北西部有大雨。"
    r = resolve(make_article(text, title="强对流天气预警"))
    assert r.province is None and r.scope in ("multi", "national")
    # Outlets and the source are not the story's text: they neither make nor break a single place.
    r = resolve(make_article("浙江省杭州市西湖区物业开展消杀，西湖区居民点赞。", source="新京报"))
    assert r.label() == "浙江省杭州市西湖区"


def test_a_direction_after_a_province_is_a_part_of_it_not_a_county():
    r = resolve(make_article("四川南部将有暴雨，四川南部山区群众注意防范地质灾害。"))
    assert r.province == "四川省" and r.county is None  # not 南充市南部县
    assert resolve(make_article("南部县城关镇开展消杀，南部县居民点赞。")).label() == "四川省南充市南部县"


def test_an_address_of_two_names_that_are_words_apart_confirms_itself():
    # 新城区 (Xi'an's, or Hohhot's) and a sub-district are gated alone; written together they are an address.
    r = resolve(make_article("新城区自强路街道麟德社区改造老旧小区，自强路街道居民点赞。"))
    assert r.label() == "陕西省西安市新城区"
    assert not resolve(make_article("高铁新城区域规划公布，新城区将建设学校。")).known


def test_a_foreign_place_before_a_title_is_the_home_of_a_quoted_outlet():
    text = ("篮球明星在中国行北京站活动中回答球迷提问，北京站现场座无虚席。美国《体育画报》认为他与球队关系恶化，"
            "美国《纽约时报》称球队将交易他，美国“露天看台体育”称球队态度强硬。")
    assert resolve(make_article(text)).province == "北京市"


def test_a_capital_dateline_needs_the_capital_named_as_a_place_of_its_own():
    text = "新华社北京8月9日电 国家粮食和物资储备局向北京、天津、河北、黑龙江、吉林等地调运防汛物资。"
    assert resolve(make_article(text)).province is None
    text = "新华社北京8月9日电 北京市防汛办介绍，北京房山区调运防汛物资，天津、河北、吉林也在调运。"
    assert resolve(make_article(text)).province == "北京市"


def test_a_practice_named_after_a_place_is_a_passing_mention():
    text = ("中国科学院发布黑土地保护报告。报告总结了龙江模式、梨树模式和拜泉模式等做法，供各地借鉴，"
            "黑土地保护面积持续增长，粮食产量保持稳定。")
    assert resolve(make_article(text)).province is None


def test_a_file_photos_caption_is_not_the_story():
    text = ("2023年7月17日，江苏镇江，消防员涉水搜救。视觉中国 资料图7月25日，国务院新闻办公室举行吹风会，"
            "介绍全国防汛抗旱工作。全国已进入防汛关键期，各地要压实责任。")
    r = resolve(make_article(text))
    assert r.province is None and r.scope == "national"
    # A photo of the event itself (摄) stays evidence.
    text = "江苏南京，音乐焰火秀在园博园开启。泱波 摄 观众在园博园欣赏焰火。"
    assert resolve(make_article(text)).city == "南京市"


def test_a_work_is_titled_after_a_place_but_a_regulation_is_issued_by_it():
    text = "演员张三和李四因合作电影《暗恋·橘生淮南》而相识，两人近日被拍到一起逛超市，引发网友关注。"
    assert not resolve(make_article(text)).known
    text = "《上海市物业管理条例》修订后施行，物业企业须公示收费标准，业主可以查询。"
    assert resolve(make_article(text)).province == "上海市"


def test_a_ship_named_after_a_place_is_not_the_place():
    text = "海军海南舰在某海域开展实战化训练，海南舰舰长指挥对空射击，靶机应声解体。"
    assert not resolve(make_article(text)).known


def test_the_rest_of_a_birthplaces_address_is_background_too():
    text = ("海军某舰舰长张某在某海域开展训练。张某出生于贵州黔东南苗族侗族自治州剑河县，"
            "入伍以来常年奋战在海上一线。")
    assert not resolve(make_article(text)).known


# Landmarks and institutions (regions/landmarks.py, landmarks.tsv)

def test_landmark_table_resolves_every_row_and_holds_each_category():
    from collections import Counter

    from summarizer.regions.landmarks import landmarks

    table = landmarks()
    kinds = Counter(mark.kind for mark in table)
    # The lists are complete for their definitions: 5A areas (~330), 双一流 universities (147) …
    assert kinds["scenic"] > 250 and kinds["university"] > 140 and kinds["airport"] > 180
    assert kinds["station"] > 50 and kinds["heritage"] > 20 and kinds["site"] > 40 and kinds["lake"] > 15
    known = {(d.province, d.city, d.county) for d in divisions()}
    for mark in table:
        assert mark.names and (mark.division.province, mark.division.city, mark.division.county) in known, mark
    names = {name for mark in table for name, _ in mark.names}
    assert {"萧山机场", "萧山国际机场", "北京南站", "哈工大", "三星堆"} <= names


def test_landmark_table_rejects_a_row_naming_no_division(tmp_path, monkeypatch):
    from importlib import resources

    from summarizer.regions import landmarks as module

    table = tmp_path / "landmarks.tsv"
    table.write_text("scenic\t某某山\t四川\t德阳\t不存在县\n", encoding="utf-8")
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    module.landmarks.cache_clear()
    try:
        with pytest.raises(ValueError, match="不存在县"):
            module.landmarks()
    finally:
        module.landmarks.cache_clear()


@pytest.mark.parametrize(("text", "label"), [
    ("三星堆博物馆新馆试运行，新馆展出祭祀坑出土文物。三星堆遗址的考古发掘仍在继续。", "四川省德阳市广汉市"),
    ("故宫博物院发布参观须知，故宫将限制商业拍摄。", "北京市东城区"),
    ("桃园机场一架班机延误，旅客在桃园机场滞留三小时。", "台湾省桃园市大园区"),
    ("杭州萧山国际机场暑运客流创新高，萧山机场日均起降航班超900架次。", "浙江省杭州市萧山区"),
    ("北京南站进出京客流持续高位，北京南站新建网约车等候区。", "北京市丰台区"),
    ("一支越野车队穿越罗布泊时失联，罗布泊地表温度超过60℃，搜救仍在进行。", "新疆维吾尔自治区巴音郭楞蒙古自治州若羌县"),
])
def test_a_landmark_stands_for_its_division(text, label):
    r = resolve(make_article(text, title="暑期见闻"))
    assert r.label() == label and r.scope == "local"


def test_a_gated_landmark_name_needs_its_city_and_a_namesake_elsewhere_is_not_it():
    # 东湖 is also a word and a lake of many cities: only with 武汉 named is it Wuhan's.
    assert not resolve(make_article("东湖边的游客络绎不绝，东湖景区人气很旺。", title="夏日")).known
    r = resolve(make_article("武汉东湖边的游客络绎不绝，东湖景区人气很旺。", title="夏日"))
    assert r.city == "武汉市"
    # 台北故宫 and 沈阳故宫 are not Beijing's.
    r = resolve(make_article("台北故宫推出特展，台北故宫南院同步展出。", title="特展"))
    assert r.province == "台湾省"


def test_a_landmark_is_never_stronger_than_a_division_named_as_often():
    # 三星堆 (广汉) and 成都 are named once each in the lead: the division is not outweighed.
    r = resolve(make_article("成都市民排队观看三星堆文物。", title="文物展"))
    assert r.city == "成都市"


def test_a_university_is_its_peoples_home_not_the_story_place():
    # An expert's university does not move a story told elsewhere, nor give it a district.
    text = "深圳市南山区一小区发生火灾，南山区消防到场处置。清华大学教授张三表示，高层住宅要定期检查消防设施。"
    r = resolve(make_article(text, title="小区火灾"))
    assert (r.city, r.county) == ("深圳市", "南山区")
    # Quoted experts alone do not make a story local.
    assert not resolve(make_article("清华大学教授张三表示，消费回暖势头明显。", title="专家谈消费")).known
    # Where the text puts the story at the university, it is there, district included.
    text = "8月10日，碳中和高峰论坛在哈尔滨工业大学举行，哈工大与企业签署合作协议。"
    r = resolve(make_article(text, title="论坛举行"))
    assert r.label() == "黑龙江省哈尔滨市南岗区"


def test_where_a_person_studied_is_background_and_a_campus_is_its_own_place():
    text = "毕业于北京大学的张三回到杭州市余杭区创业，他的公司落户余杭区。"
    assert resolve(make_article(text, title="返乡创业")).city == "杭州市"
    text = "基金经理李四，北京大学光华管理学院金融学硕士。基金经理王五，复旦大学经济学博士。"
    assert not resolve(make_article(text, title="新基金发行")).known
    r = resolve(make_article("哈尔滨工业大学（威海）举行开学典礼，威海市副市长出席。", title="开学典礼"))
    assert r.city == "威海市"


def test_an_affiliate_has_no_district_of_its_university_and_a_citys_students_are_the_city():
    r = resolve(make_article("研究基地签约落地复旦大学附属儿科医院，上海市卫健委出席。", title="签约"))
    assert r.province == "上海市" and r.county is None
    r = resolve(make_article("郑州大学生打破世界纪录，郑州大学生杜婷婷夺得冠军。", title="破纪录"))
    assert r.city == "郑州市"


@pytest.mark.parametrize("before", ["", "𠀀", "\ud800", "a"])
def test_names_are_found_at_their_offsets_whatever_characters_come_before(before):
    """Mentions are looked for at every character pair at once (code points, so a character outside the
    BMP or a lone surrogate before a name does not shift it): longest name first, none inside another."""
    from summarizer.regions.names import mentions

    text = f"{before}黑龙江省哈尔滨市南岗区，北京"
    found = [(name, end - len(before)) for name, end, _ in mentions(text)]
    assert found == [("黑龙江省", 4), ("哈尔滨市", 8), ("南岗区", 11), ("北京", 14)]
    assert mentions("") == [] and mentions("北") == []
