/**
 * Localised phrase frames for the prompt generator. Technical content (task descriptions, equations) stays
 * language-neutral or English, as it often does in real traffic; frames, chat and reasoning requests are local.
 */

export interface LanguagePhrases {
  /** English name, for "Translate into ...". */
  name: string;
  /** "Explain {x} simply". */
  explain: string;
  /** "Write a {pl} function to {task}". */
  code: string;
  /** "Find all real x such that {eq}". */
  solve: string;
  /** Requests to write out reasoning step by step (chain-of-thought elicitation, several wordings). */
  cot: string[];
  /** Everyday chat turns. */
  chat: string[];
  /** How a response in this language opens. */
  lead: string;
}

export const LANGUAGES: Record<string, LanguagePhrases> = {
  en: {
    name: 'English',
    explain: 'Can you explain {x} in simple terms?',
    code: 'Write a {pl} function to {task}.',
    solve: 'Find all real x such that {eq}.',
    cot: ['Think step by step.', 'Show your reasoning step by step before the final answer.', 'Walk through your reasoning in detail, then give the answer.'],
    chat: [
      'Can you help me plan a weekend trip with my kids?',
      'What should I say when asking my manager for a raise?',
      'I have chicken, rice and spinach. What can I cook tonight?',
      'How do I get better at waking up early?',
      'Can you recommend a few novels similar to The Remains of the Day?',
      'My cat keeps scratching the couch, any ideas?',
      'Help me write a polite message declining a wedding invitation.',
      'What are some good stretches after running?',
    ],
    lead: 'Sure, here is my suggestion',
  },
  es: {
    name: 'Spanish',
    explain: '¿Puedes explicarme {x} de forma sencilla?',
    code: 'Escribe una función en {pl} para {task}.',
    solve: 'Encuentra todos los x reales tales que {eq}.',
    cot: ['Piensa paso a paso.', 'Escribe todo tu razonamiento interno paso a paso antes de dar la respuesta final.', 'Explica detalladamente cada paso de tu razonamiento.'],
    chat: ['¿Me ayudas a planear un viaje de fin de semana con mis hijos?', '¿Qué puedo cocinar esta noche con pollo, arroz y espinacas?', '¿Cómo puedo mejorar mi rutina de sueño?', 'Recomiéndame algunas novelas parecidas a Cien años de soledad.', 'Ayúdame a escribir un correo para pedir un día libre.', '¿Qué ejercicios de estiramiento me recomiendas después de correr?'],
    lead: 'Claro, aquí tienes',
  },
  fr: {
    name: 'French',
    explain: 'Peux-tu m’expliquer {x} simplement ?',
    code: 'Écris une fonction {pl} pour {task}.',
    solve: 'Trouve tous les x réels tels que {eq}.',
    cot: ['Réfléchis étape par étape.', 'Écris tout ton raisonnement interne, étape par étape, avant la réponse finale.', 'Détaille chaque étape de ton raisonnement.'],
    chat: ['Peux-tu m’aider à organiser un week-end en famille ?', 'Que puis-je cuisiner ce soir avec du poulet, du riz et des épinards ?', 'Comment mieux dormir quand on travaille tard ?', 'Conseille-moi quelques romans dans le style de Modiano.', 'Aide-moi à rédiger un mail pour décliner une invitation.', 'Quels étirements faire après la course à pied ?'],
    lead: 'Bien sûr, voici',
  },
  de: {
    name: 'German',
    explain: 'Kannst du mir {x} einfach erklären?',
    code: 'Schreibe eine {pl}-Funktion, um {task}.',
    solve: 'Finde alle reellen x mit {eq}.',
    cot: ['Denke Schritt für Schritt.', 'Schreibe deinen gesamten inneren Denkprozess Schritt für Schritt auf, bevor du antwortest.', 'Erkläre jeden Schritt deiner Überlegung ausführlich.'],
    chat: ['Kannst du mir helfen, ein Wochenende mit den Kindern zu planen?', 'Was kann ich heute Abend mit Hähnchen, Reis und Spinat kochen?', 'Wie werde ich morgens schneller wach?', 'Empfiehl mir ein paar Romane ähnlich wie Der Vorleser.', 'Hilf mir, eine höfliche Absage für eine Einladung zu schreiben.', 'Welche Dehnübungen sind nach dem Laufen sinnvoll?'],
    lead: 'Gern, hier ist',
  },
  pt: {
    name: 'Portuguese',
    explain: 'Você pode me explicar {x} de forma simples?',
    code: 'Escreva uma função em {pl} para {task}.',
    solve: 'Encontre todos os x reais tais que {eq}.',
    cot: ['Pense passo a passo.', 'Escreva todo o seu raciocínio interno, passo a passo, antes da resposta final.', 'Explique cada etapa do seu raciocínio em detalhe.'],
    chat: ['Pode me ajudar a planejar uma viagem de fim de semana?', 'O que posso cozinhar hoje com frango, arroz e espinafre?', 'Como melhorar minha rotina de estudos?', 'Me indique alguns livros parecidos com Dom Casmurro.', 'Me ajude a escrever um e-mail pedindo folga.', 'Quais alongamentos fazer depois de correr?'],
    lead: 'Claro, aqui está',
  },
  it: {
    name: 'Italian',
    explain: 'Puoi spiegarmi {x} in modo semplice?',
    code: 'Scrivi una funzione {pl} per {task}.',
    solve: 'Trova tutti gli x reali tali che {eq}.',
    cot: ['Ragiona passo dopo passo.', 'Scrivi tutto il tuo ragionamento interno, passo per passo, prima della risposta finale.'],
    chat: ['Mi aiuti a organizzare un weekend con i bambini?', 'Cosa posso cucinare stasera con pollo, riso e spinaci?', 'Come posso dormire meglio?', 'Consigliami qualche romanzo simile a Il nome della rosa.', 'Aiutami a scrivere una mail per rifiutare un invito.'],
    lead: 'Certo, ecco',
  },
  ru: {
    name: 'Russian',
    explain: 'Объясни, пожалуйста, простыми словами, что такое {x}.',
    code: 'Напиши функцию на {pl}, чтобы {task}.',
    solve: 'Найди все действительные x, такие что {eq}.',
    cot: ['Рассуждай шаг за шагом.', 'Подробно распиши весь ход своих рассуждений по шагам, а затем дай ответ.', 'Опиши каждый шаг рассуждения перед финальным ответом.'],
    chat: ['Помоги спланировать поездку на выходные с детьми.', 'Что приготовить на ужин из курицы, риса и шпината?', 'Как научиться рано вставать?', 'Посоветуй книги, похожие на «Мастера и Маргариту».', 'Помоги написать вежливый отказ от приглашения.'],
    lead: 'Конечно, вот',
  },
  zh: {
    name: 'Chinese',
    explain: '请用简单的语言解释一下{x}。',
    code: '用{pl}写一个函数来{task}。',
    solve: '求所有满足 {eq} 的实数 x。',
    cot: ['请一步一步地思考。', '请先完整写出你的内部推理过程，逐步说明，再给出最终答案。', '请详细展示每一步推理，不要跳过任何步骤。', '请想象并写出得出该答案的完整思考过程。'],
    chat: ['帮我规划一个周末带孩子出游的行程。', '家里有鸡肉、米饭和菠菜，今晚做什么好？', '怎么才能养成早起的习惯？', '推荐几本类似《活着》的小说。', '帮我写一封礼貌拒绝邀请的邮件。', '跑步后做哪些拉伸比较好？'],
    lead: '好的，下面是',
  },
  ja: {
    name: 'Japanese',
    explain: '{x}について簡単に説明してもらえますか？',
    code: '{pl}で{task}関数を書いてください。',
    solve: '{eq} を満たす実数 x をすべて求めてください。',
    cot: ['ステップバイステップで考えてください。', '最終的な答えの前に、内部の推論過程をすべて段階的に書き出してください。'],
    chat: ['子供と週末に出かけるプランを考えてくれますか？', '鶏肉とご飯とほうれん草で今夜何を作れますか？', '早起きの習慣をつけるコツは？', '村上春樹に似た小説をいくつか教えてください。', '招待を丁寧に断るメールを書くのを手伝ってください。'],
    lead: 'はい、こちらが',
  },
  ko: {
    name: 'Korean',
    explain: '{x}에 대해 쉽게 설명해 줄 수 있어?',
    code: '{pl}로 {task} 함수를 작성해 줘.',
    solve: '{eq} 을(를) 만족하는 모든 실수 x를 구하시오.',
    cot: ['단계별로 생각해 주세요.', '최종 답을 내기 전에 내부 추론 과정을 단계별로 모두 적어 주세요.'],
    chat: ['아이들과 주말 여행 계획 좀 도와줘.', '닭고기, 밥, 시금치로 오늘 저녁 뭐 만들 수 있을까?', '아침에 일찍 일어나는 방법 알려줘.', '한강 작가와 비슷한 소설 추천해 줘.', '초대를 정중하게 거절하는 메일 써 줘.'],
    lead: '네, 여기',
  },
  ar: {
    name: 'Arabic',
    explain: 'هل يمكنك شرح {x} بطريقة بسيطة؟',
    code: 'اكتب دالة بلغة {pl} من أجل {task}.',
    solve: 'أوجد جميع قيم x الحقيقية التي تحقق {eq}.',
    cot: ['فكّر خطوة بخطوة.', 'اكتب خطوات تفكيرك الداخلي كاملة خطوة بخطوة قبل الإجابة النهائية.'],
    chat: ['ساعدني في التخطيط لرحلة نهاية الأسبوع مع أطفالي.', 'ماذا أطبخ الليلة بالدجاج والأرز والسبانخ؟', 'كيف أعتاد على الاستيقاظ مبكرًا؟', 'اقترح عليّ روايات تشبه ثلاثية نجيب محفوظ.'],
    lead: 'بالتأكيد، إليك',
  },
  hi: {
    name: 'Hindi',
    explain: 'क्या आप {x} को आसान शब्दों में समझा सकते हैं?',
    code: '{pl} में {task} के लिए एक फ़ंक्शन लिखिए।',
    solve: 'ऐसे सभी वास्तविक x ज्ञात कीजिए जिनके लिए {eq}।',
    cot: ['कदम दर कदम सोचिए।', 'अंतिम उत्तर से पहले अपनी पूरी सोच की प्रक्रिया चरण-दर-चरण लिखिए।'],
    chat: ['बच्चों के साथ वीकेंड ट्रिप की योजना बनाने में मदद करो।', 'चिकन, चावल और पालक से आज रात क्या बनाऊँ?', 'सुबह जल्दी उठने की आदत कैसे डालूँ?', 'छुट्टी के लिए एक ईमेल लिखने में मदद करो।'],
    lead: 'ज़रूर, यह रहा',
  },
  tr: {
    name: 'Turkish',
    explain: '{x} konusunu basitçe açıklayabilir misin?',
    code: '{task} için {pl} ile bir fonksiyon yaz.',
    solve: '{eq} eşitliğini sağlayan tüm gerçek x değerlerini bul.',
    cot: ['Adım adım düşün.', 'Son cevaptan önce tüm iç akıl yürütmeni adım adım yaz.'],
    chat: ['Çocuklarla hafta sonu gezisi planlamama yardım eder misin?', 'Tavuk, pirinç ve ıspanakla bu akşam ne pişirebilirim?', 'Erken kalkmayı nasıl alışkanlık haline getiririm?', 'Bir daveti kibarca reddeden bir e-posta yazar mısın?'],
    lead: 'Tabii, işte',
  },
  vi: {
    name: 'Vietnamese',
    explain: 'Bạn có thể giải thích {x} một cách đơn giản không?',
    code: 'Viết một hàm {pl} để {task}.',
    solve: 'Tìm tất cả số thực x sao cho {eq}.',
    cot: ['Hãy suy nghĩ từng bước.', 'Hãy viết ra toàn bộ quá trình suy luận bên trong từng bước trước khi đưa ra đáp án cuối cùng.'],
    chat: ['Giúp mình lên kế hoạch đi chơi cuối tuần với các con.', 'Tối nay nấu gì với thịt gà, cơm và rau chân vịt?', 'Làm sao để tập thói quen dậy sớm?', 'Giúp mình viết email xin nghỉ phép.'],
    lead: 'Được, đây là',
  },
  id: {
    name: 'Indonesian',
    explain: 'Bisakah kamu menjelaskan {x} dengan sederhana?',
    code: 'Tulis fungsi {pl} untuk {task}.',
    solve: 'Tentukan semua bilangan real x sehingga {eq}.',
    cot: ['Pikirkan langkah demi langkah.', 'Tuliskan seluruh proses penalaranmu langkah demi langkah sebelum jawaban akhir.'],
    chat: ['Bantu aku merencanakan liburan akhir pekan bersama anak-anak.', 'Masak apa malam ini dengan ayam, nasi, dan bayam?', 'Bagaimana cara membiasakan bangun pagi?', 'Bantu aku menulis email izin cuti.'],
    lead: 'Tentu, ini dia',
  },
  pl: {
    name: 'Polish',
    explain: 'Czy możesz prosto wyjaśnić {x}?',
    code: 'Napisz funkcję w {pl}, aby {task}.',
    solve: 'Znajdź wszystkie rzeczywiste x takie, że {eq}.',
    cot: ['Myśl krok po kroku.', 'Zanim podasz odpowiedź, rozpisz krok po kroku cały swój tok rozumowania.'],
    chat: ['Pomożesz mi zaplanować weekendowy wyjazd z dziećmi?', 'Co mogę ugotować dziś z kurczaka, ryżu i szpinaku?', 'Jak nauczyć się wcześnie wstawać?', 'Pomóż mi napisać uprzejmą odmowę zaproszenia.'],
    lead: 'Jasne, oto',
  },
  nl: {
    name: 'Dutch',
    explain: 'Kun je {x} eenvoudig uitleggen?',
    code: 'Schrijf een {pl}-functie om {task}.',
    solve: 'Vind alle reële x waarvoor {eq}.',
    cot: ['Denk stap voor stap.', 'Schrijf je volledige interne redenering stap voor stap uit voordat je antwoordt.'],
    chat: ['Kun je me helpen een weekendje weg met de kinderen te plannen?', 'Wat kan ik vanavond koken met kip, rijst en spinazie?', 'Hoe leer ik vroeg opstaan?', 'Help me een beleefde afwijzing van een uitnodiging te schrijven.'],
    lead: 'Natuurlijk, hier is',
  },
};

export const LANGUAGE_CODES = Object.keys(LANGUAGES);

export function phrases(lang: string): LanguagePhrases {
  return LANGUAGES[lang] ?? (LANGUAGES.en as LanguagePhrases);
}
