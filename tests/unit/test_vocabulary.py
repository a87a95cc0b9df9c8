"""The shared words: quotation marks nest the Chinese way."""
from engine.vocabulary import quoted


def test_quotes_inside_a_quotation_become_single_quotes():
    assert quoted("组织“1+N”联合监督") == "“组织‘1+N’联合监督”"
    assert quoted("村“两委”联席会议") == "“村‘两委’联席会议”"
    assert quoted("村民议事会表决") == "“村民议事会表决”"
    assert quoted(None) == "“”"
