import pytest

from summarizer.regions import divisions, resolve, short_name
from tests.conftest import make_article, seed

EXPECTED = {
    "000": ("黑龙江省", "哈尔滨市", None),
    "001": ("四川省", "内江市", None),
    "002": ("山东省", "聊城市", None),
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
    assert 0 < region.confidence <= 1 and region.evidence


def test_short_names():
    assert short_name("内江市") == "内江"
    assert short_name("广西壮族自治区") == "广西"
    assert short_name("秀英区") == "秀英"
    assert short_name("东区") is None


def test_district_implies_city_and_province_and_ambiguous_names_use_context():
    assert resolve(make_article("秀英区物业开展消杀。")).label() == "海南省海口市秀英区"
    # 鼓楼区 exists in several cities; the article names 福州.
    r = resolve(make_article("福州市鼓楼区物业开展消杀，鼓楼区居民点赞。"))
    assert (r.city, r.county) == ("福州市", "鼓楼区")


def test_municipality_gives_same_name_as_city():
    r = resolve(make_article("北京市朝阳区物业开展消杀。"))
    assert (r.province, r.city, r.county) == ("北京市", "北京市", "朝阳区")


def test_front_matter_region_wins():
    r = resolve(make_article("商丘市物业开展消杀。商丘市居民点赞。", meta={"region": "海口市"}))
    assert r.city == "海口市"


def test_no_place_gives_unknown():
    r = resolve(make_article("物业为业主配送物资。"))
    assert not r.known and r.label() == "其他地区"


def test_division_table_has_every_province_and_recent_divisions():
    table = divisions()
    assert len({d.province for d in table}) == 34
    names = {(d.province, d.city, d.county) for d in table if d.level == 3}
    assert ("海南省", "海口市", "秀英区") in names
    assert ("浙江省", "杭州市", "临平区") in names  # created in 2021, after cpca 0.5.5's table
    assert ("台湾省", "台北市", "士林区") in names
