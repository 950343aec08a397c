import { describe, expect, it } from "vitest";
import { detectLanguage } from "./detect-language.js";

describe("detectLanguage", () => {
  it.each([
    ["en", "The central bank said on Monday that all initial coin offerings must stop and that exchanges have to refund investors."],
    ["zh", "中国人民银行等七部门联合发布公告，要求各类代币发行融资活动立即停止，北京的交易所随后宣布停止交易。"],
    ["ja", "金融庁は仮想通貨交換業者に対して業務改善命令を出し、利用者の資産を適切に管理するよう求めました。"],
    ["ko", "금융위원회는 가상화폐 거래소에 대한 규제를 강화하고 실명 확인 입출금 계정 서비스를 도입한다고 밝혔다."],
    ["ru", "Центральный банк заявил, что криптовалютные биржи должны пройти регистрацию и сообщать о подозрительных операциях."],
    ["de", "Die Finanzaufsicht hat die Börse angewiesen, den Handel mit Kryptowährungen sofort einzustellen, und das ist nicht alles."],
    ["fr", "Le régulateur a ordonné aux plateformes de cesser les échanges de cryptomonnaies et de rembourser les clients dans les délais."],
    ["es", "El regulador ordenó a las plataformas que dejen de operar con criptomonedas y que devuelvan los fondos de los clientes por la ley."],
  ])("recognises %s", (lang, text) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it("treats English text with a few Chinese names as English", () => {
    expect(
      detectLanguage(
        "Chinese authorities ordered Beijing exchanges such as Huobi (火幣) and OKCoin to stop trading and to stop registering new users by the end of the month.",
      ),
    ).toBe("en");
  });

  it("returns null when there is too little text", () => {
    expect(detectLanguage("")).toBeNull();
    expect(detectLanguage("OK")).toBeNull();
    expect(detectLanguage("12345 !!!")).toBeNull();
  });
});
