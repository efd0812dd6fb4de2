import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textSignals } from './index.js';
import { detectLang } from './lang.js';

const D = { tools: 0, has_image: false, turns: 1, reasoning_requested: false, tool_calls_in: 0 };
const lang = (p: string) => textSignals(p, null, D).lang;

test('scripts and Latin-script languages', () => {
  const cases: Array<[string, string]> = [
    ['How do I sort a list of dictionaries by a value in Python?', 'en'],
    ['¿Cómo puedo ordenar una lista por el valor de una clave?', 'es'],
    ['Je voudrais savoir comment trier une liste dans Python, pour mon projet.', 'fr'],
    ['Wie kann ich eine Liste in Python nach einem Wert sortieren und was ist der Unterschied?', 'de'],
    ['Você pode me ajudar com isso? Não sei como fazer uma lista.', 'pt'],
    ['Come posso ordinare una lista che è molto lunga? Questo è il problema.', 'it'],
    ['Hoe kan ik een lijst sorteren? Het werkt niet voor mij.', 'nl'],
    ['Jak mogę posortować listę? To nie jest proste i nie działa.', 'pl'],
    ['Bu listeyi nasıl sıralayabilirim? Çok uzun ve bir sorun var.', 'tr'],
    ['Làm thế nào để sắp xếp một danh sách trong Python?', 'vi'],
    ['Bagaimana cara mengurutkan daftar ini dengan benar? Saya tidak bisa.', 'id'],
    ['Как отсортировать список по значению ключа?', 'ru'],
    ['如何按键的值对列表进行排序？', 'zh'],
    ['キーの値でリストを並べ替えるにはどうすればいいですか？', 'ja'],
    ['키 값으로 목록을 정렬하려면 어떻게 해야 하나요?', 'ko'],
    ['كيف يمكنني ترتيب قائمة حسب القيمة؟', 'ar'],
    ['मैं किसी सूची को मान के अनुसार कैसे क्रमबद्ध करूं?', 'hi'],
    ['ฉันจะเรียงลำดับรายการได้อย่างไร', 'th'],
    ['Πώς μπορώ να ταξινομήσω μια λίστα;', 'el'],
  ];
  for (const [p, want] of cases) assert.equal(lang(p), want, p);
});

test('unsure cases are und', () => {
  assert.equal(lang('ok'), 'und');
  assert.equal(lang('12345 67890'), 'und');
  assert.equal(detectLang(null), 'und');
  // An English prompt with a Korean browser-extension suffix stays English.
  assert.equal(lang('Why might the built-in moisture meter not be as accurate as a separate one? Please explain in detail.\n \n \n \n 지금 번역하기'), 'en');
});
