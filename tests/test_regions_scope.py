"""How the resolver tells a national story from a local one, and the place of an event from a place named."""

from summarizer.regions import resolve
from summarizer.regions.context import local_voice, national_cues
from tests.conftest import make_article

# A national story of an industry: the lead speaks of the whole country, one city comes as an example.
_INDUSTRY = ("据中国连锁经营协会近日发布的行业报告，全国多个省市的社区团购门店数量增长明显，今年上半年新开门店"
             "超过两千家，增速在所有零售业态中最高。业内人士认为，消费者对性价比的追求是主要原因。"
             "报告还提到，门店的客流和销售额均有增长，线上订单占比继续提高，行业进入平稳发展的新阶段，"
             "多家企业表示将继续加大投入，优化供应链，提升配送效率，满足消费者的需求。"
             "比如，成都武侯一家门店最近人气火爆，吸引了大量成都市民前来购物。")


def test_a_place_named_only_as_an_example_in_a_national_story_is_not_its_place():
    r = resolve(make_article(_INDUSTRY))
    assert r.province is None and r.scope == "national"
    assert "全国" in r.reason


def test_the_same_place_in_the_lead_keeps_the_story_local():
    # The lead, which says where a story is, names the city: the national words are background.
    text = "成都武侯一家社区团购门店最近人气火爆。" + _INDUSTRY
    r = resolve(make_article(text))
    assert (r.province, r.city, r.scope) == ("四川省", "成都市", "local")


def test_a_local_government_speaking_of_its_own_place_stays_local():
    # A city's own report quotes the centre (党中央、国务院) and the whole country; it speaks as 全市.
    text = ("据本市商务部门介绍，今年上半年全市社区团购门店数量增长明显。全国多个省市也出台了类似举措，"
            "全市将认真落实党中央、国务院的部署，继续优化供应链，提升配送效率，满足市民的需求，"
            "推动行业平稳健康发展，让市民买得放心。业内人士认为，消费者对性价比的追求是主要原因，"
            "门店的客流和销售额均有增长，线上订单占比继续提高，多家企业表示将继续加大投入。"
            "比如，成都武侯一家门店最近人气火爆，吸引了大量成都市民前来购物。")
    assert local_voice(text)
    r = resolve(make_article(text))
    assert (r.province, r.city) == ("四川省", "成都市")


def test_a_local_department_is_not_a_ministry():
    # 教育部门, 住建部门: a city's departments; 教育部, 住建部: the ministries.
    assert national_cues("教育部门要做好学校关停工作，住建部门督促工地停工。") == []
    assert set(national_cues("教育部、住建部联合发文。")) == {"教育部", "住房和城乡建设部"}


def test_the_states_voice_abroad_is_national():
    assert set(national_cues("中方坚决反对。中国驻英国大使馆发言人答记者问。")) == {"中方", "中国驻英国大使馆"}
    assert national_cues("湖南省怀化市中方县举办农民丰收节。") == []


def test_a_place_named_less_than_the_country_is_a_venue():
    # A ministry's meeting, held in a city named once, about the whole country: national.
    text = ("8月2日上午，全国粮食和物资储备工作会议在武汉召开。会议提出，国家发展改革委将会同财政部"
            "加大储备设施建设力度，各地要确保党中央关于粮食和物资储备的决策部署落实到位。")
    r = resolve(make_article(text))
    assert r.province is None and r.scope == "national"
    # The same meeting told as the city's story, its headline naming the city, stays the city's.
    r = resolve(make_article(text, title="武汉召开粮食储备工作会议"))
    assert (r.province, r.city) == ("湖北省", "武汉市")


def test_a_bodys_short_name_is_the_same_cue():
    assert national_cues("工业和信息化部、工信部和国家卫健委") == ["工业和信息化部", "工业和信息化部", "国家卫生健康委"]


def test_a_statement_on_chinas_internal_affairs_is_national():
    text = ("中国大使馆发言人：中方一贯坚决反对外国干涉香港事务和中国内政。事实已充分证明，有关做法图谋抹黑和祸乱香港，"
            "这绝不可能得逞。")
    r = resolve(make_article(text, title="中国驻外使馆发言人答记者问"))
    assert r.province is None and r.scope == "national"


def test_a_national_body_written_in_full_and_short_is_one_cue():
    for full, short in (("国家发展和改革委员会", "国家发展改革委"), ("国家市场监督管理总局", "国家市场监管总局"),
                        ("国家药品监督管理局", "国家药监局"), ("国家医疗保障局", "国家医保局"),
                        ("国家广播电视总局", "国家广电总局")):
        assert len(set(national_cues(f"{full}（以下简称{short}）"))) == 1, full


def test_a_market_or_a_community_committee_is_not_a_local_voice():
    assert not local_voice("A股全市场成交额突破万亿元，全区域物流恢复")
    assert not local_voice("某社区委员会组织居民开会")
    assert local_voice("全市共有物业小区三百个") and local_voice("区委书记到现场检查")


def test_a_national_bureau_is_named_whole_in_the_reason():
    assert national_cues("国家市场监督管理总局、国家统计局") == ["国家市场监管总局", "国家统计局"]
