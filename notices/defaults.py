"""The wording each notice ships with, until the bureau edits its own (NoticeTemplate).

Paragraphs are separated by line breaks; the first line is the addressee (主送). Articles cited
are those of the 信访工作条例 (2022): Art. 22 (the bureau routes within 15 days), Art. 23 (a body
tells the petitioner in writing within 15 days whether it accepts the matter, or where to go),
Art. 31 (matters for a legal route are referred to it), Art. 32 (what a 处理意见书 states),
Art. 34 (60 days to handle), Art. 35 (复查 may be requested within 30 days of the written reply).
"""

ACCEPTANCE = "acceptance"
REFUSAL = "refusal"
ROUTING = "routing"
OPINION = "opinion"

DEFAULTS = {
    ACCEPTANCE: (
        "受理告知书",
        "{信访人}：\n"
        "你（们）于{登记日期}以{信访形式}形式提出的信访事项（信访件编号：{编号}），反映的主要诉求为：{主要诉求}。\n"
        "根据《信访工作条例》第二十三条的规定，经审查，该信访事项符合受理条件，本机关已于{受理日期}依法予以受理。\n"
        "本机关将依照《信访工作条例》第三十四条的规定，自受理之日起六十日内办结；情况复杂需要延长办理期限的，"
        "将另行告知延期理由。办理期间，请你（们）保持通讯畅通，配合调查核实，依法有序反映诉求。\n"
        "特此告知。",
    ),
    REFUSAL: (
        "不予受理告知书",
        "{信访人}：\n"
        "你（们）于{登记日期}以{信访形式}形式提出的信访事项（信访件编号：{编号}），反映的主要诉求为：{主要诉求}。\n"
        "经审查，该事项依法应当通过诉讼、仲裁、行政复议等法定途径解决，或者不属于本机关职权范围。"
        "根据《信访工作条例》第二十三条、第三十一条的规定，本机关不予受理。"
        "请你（们）依照有关法律、行政法规规定的程序，向有权处理的机关、单位提出。\n"
        "特此告知。",
    ),
    ROUTING: (
        "信访事项转送交办单",
        "{责任单位}：\n"
        "现将{信访人}于{登记日期}以{信访形式}形式提出的信访事项（信访件编号：{编号}）{转送方式}你单位，"
        "主要诉求为：{主要诉求}。\n"
        "根据《信访工作条例》第二十二条、第二十三条的规定，请你单位自收到之日起十五日内决定是否受理，"
        "并书面告知信访人；受理后依照第三十四条的规定在六十日内办结，出具信访处理意见书，"
        "并将办理结果及时反馈本机关。\n"
        "转送交办日期：{转送日期}。",
    ),
    OPINION: (
        "信访处理意见书",
        "{信访人}：\n"
        "你（们）于{登记日期}提出的信访事项（信访件编号：{编号}），由{责任单位}于{受理日期}受理。"
        "你（们）的主要诉求为：{主要诉求}。\n"
        "经调查核实，根据《信访工作条例》第三十二条的规定，提出处理意见如下：{处理意见}\n"
        "如对本处理意见不服，可以依照《信访工作条例》第三十五条的规定，"
        "自收到本处理意见书之日起三十日内，向原办理机关、单位的上一级机关、单位请求复查。\n"
        "本处理意见书同时抄送{本机关}。\n"
        "答复日期：{答复日期}。",
    ),
}
