"""Write the course notebooks (.ipynb) from the cell lists below.

Run ``python notebooks/make_notebooks.py`` after editing; the tests execute every
notebook, so a cell that stops working fails the build.
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text.strip("\n").splitlines(True)}


def code(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": text.strip("\n").splitlines(True)}


def write(name: str, cells: list[dict]) -> None:
    nb = {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{name[:2]}-{i:02d}"
    (HERE / name).write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n")


CH1 = [
    md("""
# 1장. 서열을 숫자로: 원-핫 인코딩, PFM/PWM, 윈도우 점수

수업 실습의 첫 부분을 biochemml로 따라 합니다. 이 노트북에서 할 일은 세 가지입니다.

1. DNA 서열을 **원-핫 인코딩**(one-hot encoding)으로 바꾸기
2. 정렬된 결합 부위로 **PFM**(위치 빈도 행렬)과 **PWM**(위치 가중치 행렬)을 만들고 pseudocount(의사 빈도)의 역할 보기
3. PWM으로 서열의 **슬라이딩 윈도우 점수**를 계산해 모티프가 어디 있는지 찾기
"""),
    code("""
%matplotlib inline
# 위 줄: 그림을 노트북 안에 이미지로 표시합니다(없으면 '<Figure size ...>' 글자만 보입니다)
import numpy as np
import pandas as pd
import biochemml
from biochemml.encode import one_hot, decode, kmer_counts
from biochemml.motifs import PWM
print("biochemml", biochemml.__version__)
"""),
    md("""
## 원-핫 인코딩

염기마다 네 칸짜리 벡터 하나를 씁니다. 열 순서는 A, C, G, T입니다. 수업 코드는 염기 하나하나를
반복문으로 채웠지만, `one_hot`은 서열 전체를 한 번에 바꿉니다. `benchmarks/RESULTS.md`의 측정으로는
20 nt 서열에서 약 100배, 1,000 nt 서열에서는 수백 배 빠릅니다.
"""),
    code("""
x = one_hot("ATACAA", dtype=int)
print(x)          # 6 x 4 행렬: 행 = 위치, 열 = A, C, G, T
decode(x)         # 다시 문자열로
"""),
    md("""
**수업 자료의 예시 바로잡기**: 수업 자료는 "ATGCTA"의 원-핫 행렬을 `[0,0,0,1]`로 시작하는 6 × 4 행렬로 적었습니다.
그런데 첫 염기는 A이므로 첫 줄은 A를 뜻하는 `[1,0,0,0]`이어야 합니다(`[0,0,0,1]`은 T입니다). 나머지 다섯 줄은
맞습니다. 아래에서 직접 확인해 보세요.
"""),
    code("""
print(one_hot("ATGCTA", dtype=int))   # 첫 줄 = A = [1 0 0 0]
"""),
    md("""
길이가 다른 서열 여러 개는 `(N, L, 4)` 배열이 됩니다. 5' UTR처럼 3' 끝(개시 코돈 쪽)을 맞춰야 하는
서열은 `pad="left"`로 왼쪽을 0으로 채웁니다. `N` 같은 모호한 염기는 네 칸을 모두 0으로 두거나(`unknown="zeros"`, 기본값),
"네 염기 중 무엇인지 모른다"는 뜻으로 모두 0.25로 둘 수 있습니다(`unknown="uniform"`).
"""),
    code("""
batch = one_hot(["ACGT", "GGNA", "TT"], pad="left", unknown="uniform")
print(batch.shape)
print(batch[1])   # 'GGNA': 세 번째 줄(N)은 네 칸 모두 0.25
print(batch[2])   # 'TT'는 왼쪽 두 줄이 0으로 채워짐
print(one_hot("GGNA", unknown="zeros"))   # 기본값: N은 네 칸 모두 0
"""),
    md("""
## PFM과 PWM

세 개의 정렬된 결합 부위 TACAA, TACGA, TACAA에서 위치별 염기 수(PFM)를 세고, 각 칸에 pseudocount
0.5(수업 자료의 값)를 더해 비율(PWM)로 바꿉니다. 표의 열 번호 0-4는 Biopython과 수업 자료처럼 **0부터** 센 위치입니다.
아래 코드의 `PSEUDOCOUNTS`를 1이나 0.1로 바꿔 다시 실행해 보면, 이 노트북의 출력이 어떻게 달라지는지 볼 수 있습니다.

**이름에 대한 주의**: 수업 자료(와 Biopython)의 "PWM"은 위치별 염기 **확률**을 담은 행렬입니다. 그런데 FIMO(MEME
Suite)나 JASPAR 쪽 도구에서 PWM 또는 PSSM(position-specific scoring matrix)이라고 하면 보통 이 확률을 배경
빈도와 비교해 로그를 취한 **log-odds 점수 행렬**(아래 "log-odds 점수" 절)을 가리킵니다. 같은 이름이 다른 행렬을
뜻할 수 있으니, 다른 도구의 결과와 견줄 때는 어느 쪽인지 확인하세요. biochemml의 `PWM`은 확률 행렬을 담고
(`pwm.matrix`), `pwm.log_odds()`가 log-odds 행렬을 줍니다.
"""),
    code("""
PSEUDOCOUNTS = 0.5   # 수업 자료의 값; 바꿔 보세요
pwm = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=PSEUDOCOUNTS)
pfm = pd.DataFrame(pwm.counts.astype(int), index=["A", "C", "G", "T"])   # PFM: 행 = 염기, 열 = 위치(0부터)
print("PFM (position frequency matrix, counts):")
print(pfm)
pwm.to_frame().round(2)  # PWM: 수업 자료의 표와 같은 값
"""),
    md("""
### pseudocount는 왜 더할까?

pseudocount가 없으면 세 서열에서 한 번도 보지 못한 염기의 확률이 0이 됩니다. 예를 들어 첫 위치에는 T만
관찰되었으므로 A의 확률이 0이고, 첫 창이 A로 시작하는 ATACA는 log(0) = 음의 무한대를 받습니다. 그러면
나머지 네 염기가 아무리 잘 맞아도 비교할 수 없게 됩니다. 세 개뿐인 관찰로 "이 염기는 절대 오지 않는다"고
단정하지 않도록, 모든 칸에 작은 수를 더해 두는 것이 pseudocount입니다.

수업 자료는 pseudocount가 "0으로 나누어지는 경우를 방지"한다고 적었지만, 실제로 막는 것은 **0에 로그를 취하는 일**(log(0))입니다. 비율을
구할 때 나누는 수(각 위치의 서열 수 3)는 처음부터 0이 아니고, 문제는 확률 0에 로그를 취하는 순간 생깁니다.
"""),
    code("""
no_pc = PWM.from_instances(["TACAA", "TACGA", "TACAA"], pseudocounts=0)
print(no_pc.to_frame().round(2))
print(f"pseudocounts={0:<4}:", no_pc.window_log_prob("ATACAA"))   # 첫 창은 -inf
print(f"pseudocounts={PSEUDOCOUNTS:<4}:", pwm.window_log_prob("ATACAA"))
"""),
    md("""
## 슬라이딩 윈도우 점수

길이 5의 창을 ATACAA 위로 한 칸씩 옮기며, 창 안의 염기마다 PWM 확률을 곱하고 자연로그를 취합니다.
0에 가까울수록 모티프와 닮았습니다. 먼저 수업 자료의 방법 그대로 계산해 봅니다. 창의 원-핫 행렬(5 × 4)과
PWM(전치해서 5 × 4)을 원소끼리 곱하면 실제 염기 자리의 확률만 남고, 염기 방향으로 더하면 위치마다 확률
하나, 위치 방향으로 곱한 뒤 로그를 취하면 창의 점수가 됩니다.
"""),
    code("""
x = one_hot("ATACAA", dtype=float)   # 점수 계산에는 실수(float) 원-핫을 씁니다
manual = []
for i in range(len(x) - pwm.width + 1):          # 창의 시작 위치 i = 0, 1
    s = np.multiply(x[i:i + pwm.width], pwm.matrix.T)   # 원-핫 x PWM (원소끼리)
    manual.append(np.log(np.prod(np.sum(s, axis=1))))   # 염기 방향 합 -> 위치 방향 곱 -> log
print(np.array(manual))
"""),
    md("""
`window_log_prob`는 같은 계산을 한 번에 해 줍니다(확률을 곱하는 대신 로그를 더하므로 긴 모티프에서도
값이 0으로 뭉개지지 않습니다). 두 번째 창 TACAA가 훨씬 높은 점수를 받습니다.
"""),
    code("""
scores = pwm.window_log_prob("ATACAA")
print(f"pseudocounts={PSEUDOCOUNTS}: s1 = {scores[0]:.4f}, s2 = {scores[1]:.4f}")
assert np.allclose(scores, manual)               # 손으로 한 계산과 같음
lecture = [-9.567015315914915, -2.119846956314875]   # 수업 자료의 s1, s2 (pseudocount 0.5에서 계산한 값)
same = np.allclose(scores, lecture)
print(f"수업 자료(pseudocount 0.5): s1 = {lecture[0]:.4f}, s2 = {lecture[1]:.4f} -> "
      + ("같습니다." if same else f"다릅니다. 수업 자료의 값은 pseudocount 0.5일 때의 값이고, "
                                  f"지금은 pseudocount {PSEUDOCOUNTS}입니다."))
best = int(np.argmax(scores))
print(f"모티프 위치: 창 {best}번(0부터 셈) = 서열의 {best + 1}번째 염기부터(1부터 셈):",
      "ATACAA"[best:best + pwm.width])
top = pwm.matrix.max(axis=0)                     # 위치마다 가장 큰 확률
print(f"가장 높을 수 있는 점수 ln({' x '.join(f'{v:.2g}' for v in top)}) = {np.log(np.prod(top)):.4f}")
"""),
    md("""
수업 자료는 "이론적으로 이 값이 0이면 동일한 서열"이라고 했지만, 점수가 0이 되려면 창의 다섯 염기가 모두 확률 1을
받아야 합니다. pseudocount를 더하면 어느 칸도 확률 1이 될 수 없으므로 0은 나오지 않습니다. 수업의 pseudocount 0.5에서는
위치별 가장 큰 확률이 0.7(0부터 센 3번 위치는 0.5)이고, 모티프와 똑같은 창 TACAA가 받는 −2.12가 이 PWM에서 가능한
가장 높은 점수입니다(위 출력의 마지막 줄). `PSEUDOCOUNTS`를 바꾸면 이 최고 점수도 함께 바뀝니다.
"""),
    md("""
## log-odds 점수와 p-값으로 모티프 찾기

생물정보학 도구(FIMO, Biopython)는 이 확률을 배경 빈도와 비교한 **log-odds 점수**(비트)를 씁니다.
칸마다 log2(확률 / 배경 빈도)이고, 배경이 균등하면 배경 빈도는 0.25입니다. 앞의 창 점수(자연로그)와는 이렇게
이어집니다: 창 점수에서 무작위 서열의 점수 5 · ln 0.25를 빼면 자연로그 단위의 log-odds가 되고, ln 2로 나누면
비트가 됩니다. pseudocount 0.5에서 TACAA라면 (−2.12 − 5 · ln 0.25) / ln 2 = 6.94비트로, 아래에 출력하는 p ≤ 0.001
기준값과 같습니다.
무작위 서열에서 그 점수 이상이 나올 확률(p-값)도 정확히 계산할 수 있습니다. 아래 세 서열에서
p ≤ 0.001인 자리(hit)를 찾습니다. `start`/`end`는 0부터 센 위치이고 `end`는 포함하지 않습니다.
"""),
    code("""
from biochemml.motifs import find_hits, score_threshold
print(pd.DataFrame(pwm.log_odds(), index=["A", "C", "G", "T"]).round(2))   # log-odds(비트)
print("TACAA: (window score - 5 ln 0.25) / ln 2 =", round((scores[1] - 5 * np.log(0.25)) / np.log(2), 2), "bits")
print("p <= 0.001인 점수 기준:", round(score_threshold(pwm, 1e-3), 2), "bits")
find_hits(pwm, ["GGGTACAAGGG", "CCCCCCCCCC", "TTGTACGATT"], pvalue=1e-3)
"""),
    md("""
결과를 읽는 법:

- 첫 서열 GGGTACAAGGG에서는 TACAA가 `+` 가닥(적힌 그대로)에서 찾아집니다.
- 세 번째 서열의 hit는 `-` 가닥입니다. `find_hits`는 DNA 서열이면 기본으로 **반대쪽 가닥**(역상보
  서열)도 훑습니다(RNA라면 적힌 가닥만 봅니다. `both_strands=`로 바꿀 수 있습니다). 0-5 자리의 TTGTA를 뒤집어 상보 염기로 바꾸면 TACAA가 됩니다. 전사인자는 이중 가닥
  DNA에 붙으므로 어느 가닥에 있든 같은 결합 부위입니다.
- 같은 서열의 3-8 자리에 있는 TACGA는 학습에 쓴 결합 부위인데도 hit가 아닙니다. 배경이 균등하면 5-mer는
  4^5 = 1,024가지이고, 각각 1/1,024의 확률로 나옵니다. TACGA보다 점수가 높거나 같은 5-mer는 TACAA와
  TACGA 자신, 두 개뿐이라 p = 2/1,024로 0.001보다 큽니다. p ≤ 0.001을 만족하는 것은 점수가 가장 높은
  단 하나의 5-mer(TACAA, p = 1/1,024)뿐입니다. 아래처럼 기준을 0.01로 느슨하게 하면 TACGA도 찾아집니다
  (`p x 1024` 열: 1,024가지 중 그 점수 이상인 5-mer의 수).
"""),
    code("""
words = ["TACAA", "TACGA"]
hits = find_hits(pwm, words, pvalue=0.01, both_strands=False)
hits["window"] = [words[i] for i in hits.sequence_index]
hits["p x 1024"] = (hits.pvalue * 4**5).round(3)   # 4^5 = 1,024가지 5-mer 중 몇 개인가
hits[["window", "score", "pvalue", "p x 1024"]]
"""),
    md("""
## 시퀀스 로고

PWM은 로고로 그리면 한눈에 들어옵니다. 한 위치에 쌓인 글자 전체의 높이가 그 위치의 **정보량**(information
content, IC, 비트)이고, 각 글자의 높이는 그 염기의 확률 × IC입니다. 배경이 균등할 때
IC = 2 + Σ p · log2 p 이며, 한 염기만 나오면(확률 1) 최대 2비트, 네 염기가 똑같이 나오면 0비트입니다.

여기서는 세 서열 모두 같은 염기였던 위치도 pseudocount 0.5(수업의 값) 때문에 확률이 0.7 / 0.1 / 0.1 / 0.1이 되어, IC가
2비트가 아니라 약 0.64비트뿐입니다. 서열이 세 개뿐이라 pseudocount의 영향이 큰 것입니다(서열이 수백 개라면 같은
pseudocount를 더해도 2비트에 가깝습니다). 로고의 가로축은 **1부터** 센 위치(1-5)라서, 위 표의 열 0-4가
로고의 1-5에 해당합니다.
"""),
    code("""
from biochemml import plot
print(f"IC per position, pseudocounts={PSEUDOCOUNTS:<4}:", pwm.information_content().round(3), "bits")
print(f"IC per position, pseudocounts={0:<4}:", no_pc.information_content().round(3), "bits")
fig = plot.sequence_logo(pwm.matrix, alphabet="ACGT", kind="information", title="TACAA motif")
fig
"""),
    md("""
## k-mer 개수: 위치를 버린 특징

서열 길이가 제각각일 때는 위치 대신 짧은 단어(k-mer)가 몇 번 나오는지 세는 것도 좋은 출발점입니다.
5' UTR에서는 상류 ATG 개수나 GC 비율 같은 정보가 여기에 담깁니다.
"""),
    code("""
from biochemml.encode import kmer_names
counts = kmer_counts(["ATGATG", "GGGCC"], k=3)
names = kmer_names(3)                     # AAA, AAC, ..., TTT (64개)
print("ATGATG 안의 ATG 개수:", counts[0, names.index("ATG")])
"""),
]

CH2 = [
    md("""
# 2장. CNN으로 전사인자 결합 모티프 찾기

수업의 CCGGAA 모의 데이터로 합성곱 신경망(CNN)을 학습하고, 학습 곡선·정확도(accuracy)·혼동 행렬(confusion
matrix, 수업 자료의 '분류표')로 평가합니다.
덧붙여 이 데이터에서 **어떤 모델도 넘을 수 없는 정확도**(베이즈 최적)를 계산해 모델을 공정하게 판단합니다.
"""),
    code("""
%matplotlib inline
import numpy as np
from biochemml.simulate import lecture_pwm, motif_dataset, bayes_optimal_accuracy, bayes_rule
from biochemml.motifs import PWM
from biochemml.splits import split_indices
from biochemml.models import build, summary
from biochemml import SequenceClassifier, metrics, plot

EPOCHS = 20          # 수업과 같은 값; 바꿔 보며 과소·과대적합을 관찰해 보세요
SEED = 0
"""),
    md("""
## 모의 데이터 만들기

양성 서열 1,000개는 7개 무작위 염기 + CCGGAA PWM에서 뽑은 6개 염기 + 7개 무작위 염기이고,
음성 서열 1,000개는 20개 염기가 모두 무작위입니다.

모티프(`pwm`), 서열 길이(`LENGTH`), 모티프를 심는 자리(`POSITION`, 0부터 센 시작 위치)는 아래 셀에서 정합니다.
이 노트북의 나머지 코드는 모두 이 세 변수를 따르므로, 값을 바꿔(예: `POSITION = 3`, 또는 주석에 적은 7염기 모티프)
처음부터 다시 실행해 보세요. 설명 글의 숫자(8-13번 염기, 0.979 등)는 수업의 기본 설정에서의 값입니다.
"""),
    code("""
pwm = lecture_pwm()   # 수업의 CCGGAA PWM (6염기)
# 다른 모티프로 바꿔 보려면 예를 들어(7염기, AP-1 결합 부위를 닮은 TGACTCA):
# pwm = PWM.from_instances(["TGACTCA"] * 20, pseudocounts=1)
LENGTH = 20           # 서열 길이
POSITION = 7          # 모티프의 시작 위치, 0부터 셈(7 = 8번째 염기부터)
data = motif_dataset(pwm, n_positive=1000, n_negative=1000, length=LENGTH, position=POSITION, seed=SEED)
site = slice(POSITION, POSITION + pwm.width)    # 모티프 자리(파이썬 슬라이스: 0부터 세고 끝은 포함하지 않음)
print(f"motif {pwm.consensus} ({pwm.width} nt) planted at bases {POSITION + 1}-{POSITION + pwm.width} "
      f"(1-based) of {LENGTH}")
print(data.head())
print(data[data.label == 1].sequence.str[site].value_counts().head())
"""),
    md("""
수업 코드는 여기서 서열을 하나씩 원-핫으로 바꿔 3차원 배열 `X`(서열 수 × 길이 × 염기 4)를 만들고, 라벨을 두 칸짜리
원-핫 `y`로 만듭니다(수업 코드에서는 모티프 서열이 `[1, 0]`, 무작위 서열이 `[0, 1]`입니다. 아래 "라벨 순서" 참고).
biochemml의 `SequenceClassifier`는 이 일을 `fit` 안에서 대신하지만, 신경망에 들어가는 배열의 모양을 한 번 직접
확인해 둡니다.
"""),
    code("""
from biochemml.encode import one_hot

X = one_hot(data.sequence.tolist())                                   # 수업 코드의 X
y = np.stack([data.label == 1, data.label == 0], axis=1).astype(int)  # 수업 코드의 y: 모티프 [1, 0], 무작위 [0, 1]
print("X:", X.shape, "= (서열 수, 서열 길이, 염기 A/C/G/T)")
print("y:", y.shape, "= (서열 수, 클래스 2개)")
print(f"첫 서열 {data.sequence.iloc[0]} (label {data.label.iloc[0]}): y = {y[0]}, X의 첫 두 줄 =", X[0][:2].astype(int).tolist())
"""),
    md("""
## 넘을 수 없는 벽: 베이즈 최적 정확도

모티프 PWM과 배경을 정확히 알면, 각 서열이 양성일 가능도와 음성일 가능도를 비교해 가장 좋은 판단을
내릴 수 있습니다(**베이즈 규칙**, `bayes_rule`). 무작위 서열도 우연히 모티프를 닮을 수 있고, 모티프 자리에서도
PWM의 확률에 따라 드문 염기가 뽑힐 수 있기 때문에 이 규칙의 정확도도 1보다 작습니다. 아래 값은 이 규칙이 무한히 많은
서열에서 얻는 평균 정확도입니다(수업의 기본 설정에서 약 0.979).
"""),
    code("""
ceiling = bayes_optimal_accuracy(pwm, length=LENGTH, position=POSITION, n=100_000, seed=SEED)
print(f"베이즈 최적 정확도: {ceiling:.3f}")
"""),
    md("""
## 학습·테스트 나누기

수업처럼 20 %를 테스트 세트(test set)로 떼어 두고, 나머지 80 %를 학습 세트(수업 자료의 '훈련 데이터 세트',
training set)로 씁니다(`random_state=125`).
"""),
    code("""
train_idx, _, test_idx = split_indices(len(data), test_size=0.2, seed=125)
train, test = data.iloc[train_idx], data.iloc[test_idx]
print(len(train), len(test))
"""),
    md("""
## 신경망의 기본 단위: 뉴런 하나를 직접 학습하기

CNN으로 가기 전에, 수업의 이론 부분(퍼셉트론, 활성화 함수, 경사 하강법과 역전파)을 numpy 몇 줄로 직접 해 봅니다.

**퍼셉트론**(뉴런 하나)은 입력마다 가중치(weight)를 곱해 더하고 편향(bias)을 더합니다:
$z = \\sum_i x_i w_i + b$. 여기서 입력 $x$는 서열의 원-핫 행렬(20 × 4)을 한 줄로 편 80개의 0/1 값이므로,
가중치 80개는 "이 위치에 이 염기가 오면 점수를 얼마나 더할까"를 뜻합니다.

**활성화 함수**는 $z$를 뉴런의 실제 출력으로 바꿉니다. 고전적인 퍼셉트론은 $z > 0$이면 1, 아니면 0인 계단 함수를
썼지만, 계단 함수는 기울기가 0이라 아래의 경사 하강법을 쓸 수 없습니다. 그래서 여기서는 부드러운 **시그모이드**
$\\sigma(z) = 1 / (1 + e^{-z})$를 씁니다. 출력이 0과 1 사이라 "모티프가 있을 확률"로 읽을 수 있습니다. 아래 CNN의
합성곱 층은 **ReLU**($\\max(0, z)$: 0 아래는 0, 위로는 그대로)를 씁니다.
"""),
    code("""
from biochemml.encode import one_hot

X_fit = one_hot(train.sequence.tolist()).reshape(len(train), -1)   # (서열 수, 길이 x 4): 원-핫을 한 줄로
y_fit = train.label.to_numpy()
X_check = one_hot(test.sequence.tolist()).reshape(len(test), -1)
y_check = test.label.to_numpy()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


z = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
print("z           ", z)
print("step (z > 0)", (z > 0).astype(float))
print("sigmoid     ", sigmoid(z).round(3))
print("ReLU        ", np.maximum(0, z))

rng = np.random.default_rng(SEED)
w = rng.normal(0, 0.01, X_fit.shape[1])     # 가중치: 아주 작은 무작위 값에서 시작
b = 0.0                                       # 편향
p = sigmoid(X_fit[0] @ w + b)                 # 출력 = 활성화 함수(합(입력 x 가중치) + 편향)
print(f"untrained neuron, first training sequence {train.sequence.iloc[0]} (label {y_fit[0]}): "
      f"probability of motif {p:.3f}")
"""),
    md("""
학습하지 않은 뉴런은 어느 서열에나 0.5 근처를 줍니다. 이제 **손실**(loss)을 정합니다. 정답 $y$(1 = 모티프, 0 = 무작위)와
뉴런의 확률 $p$ 사이의 교차 엔트로피 $L = -[y \\log p + (1 - y) \\log (1 - p)]$를 학습 서열 전체에서 평균한 값입니다
(아래 "테스트 손실" 절에서 다시 봅니다).

**경사 하강법**(gradient descent)은 손실을 가중치마다 편미분한 값, 곧 기울기(gradient)의 반대 방향으로 가중치를 조금씩
옮기는 것입니다: $w \\leftarrow w - \\eta \\, \\partial L / \\partial w$ ($\\eta$: 학습률, learning rate). 기울기는
**연쇄 법칙**(chain rule)으로 출력에서 입력 쪽으로 거꾸로 곱해 가며 구합니다. 이것이 **역전파**(backpropagation)입니다.
뉴런 하나에서는 $\\partial L / \\partial z = p - y$이고 $\\partial z / \\partial w_i = x_i$이므로
$\\partial L / \\partial w_i = (p - y)\\, x_i$입니다. 아래 셀은 먼저 이 공식으로 구한 기울기를 가중치 하나를 조금
움직였을 때의 손실 변화(수치 미분)와 비교해 공식이 맞는지 확인하고, 그다음 학습 세트 전체로 가중치를 300번 고칩니다.
"""),
    code("""
from matplotlib.figure import Figure


def loss_and_gradient(w, b, X, y):
    p = sigmoid(X @ w + b)                                    # 순전파(forward)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))  # 교차 엔트로피
    dz = (p - y) / len(y)                                     # 역전파: dL/dz
    return loss, X.T @ dz, dz.sum()                           # dL/dw = X^T dL/dz, dL/db


loss0, grad_w, grad_b = loss_and_gradient(w, b, X_fit, y_fit)
i, h = POSITION * 4 + 1, 1e-6           # 모티프 첫 자리의 C 가중치 하나를 h만큼 움직여 봄
w_moved = w.copy()
w_moved[i] += h
numeric = (loss_and_gradient(w_moved, b, X_fit, y_fit)[0] - loss0) / h
print(f"dL/dw for one weight: chain rule {grad_w[i]:.5f}, numerical {numeric:.5f}")

learning_rate, losses = 0.5, []
for step in range(300):                  # 경사 하강법: 학습 세트 전체로 300번
    loss, grad_w, grad_b = loss_and_gradient(w, b, X_fit, y_fit)
    losses.append(loss)
    w -= learning_rate * grad_w
    b -= learning_rate * grad_b
for step in (0, 10, 50, 100, 299):
    print(f"step {step:3d}: training loss {losses[step]:.3f}")
neuron_acc = np.mean((sigmoid(X_check @ w + b) > 0.5) == y_check)
print(f"one neuron, test accuracy {neuron_acc:.3f} "
      f"(Bayes rule on this test split {np.mean(bayes_rule(pwm, test.sequence, position=POSITION) == y_check):.3f})")

fig = Figure(figsize=(10, 3.2), layout="constrained")
ax_loss, ax_w = fig.subplots(1, 2, width_ratios=[1, 2])
ax_loss.plot(losses)
ax_loss.set_xlabel("gradient descent step")
ax_loss.set_ylabel("training loss (cross-entropy)")
weights = w.reshape(LENGTH, 4).T                             # 행 = A, C, G, T, 열 = 위치
limit = np.abs(weights).max()
image = ax_w.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto",
                    extent=(0.5, LENGTH + 0.5, 3.5, -0.5))
ax_w.set_yticks(range(4), list("ACGT"))
ax_w.set_xticks(range(1, LENGTH + 1))
ax_w.set_xlabel("position (1-based)")
ax_w.set_title("learned weights (red: raises the motif score)")
fig.colorbar(image, ax=ax_w)
fig
"""),
    md("""
읽는 법:

- 두 방법으로 구한 기울기가 같으면 역전파 공식이 맞다는 뜻입니다. 큰 신경망도 층마다 같은 연쇄 법칙을 적용할
  뿐이고, PyTorch나 Keras가 이 계산을 자동으로 해 줍니다.
- 왼쪽 그림: 경사 하강법을 되풀이할수록 학습 손실이 내려갑니다. 처음에는 빠르게, 나중에는 천천히 내려갑니다.
- 오른쪽 그림: 뉴런이 배운 가중치 80개를 위치 × 염기로 펼친 것입니다. 모티프 자리(기본 설정에서는 8-13번 염기)에서만
  모티프 글자(CCGGAA)의 칸이 빨갛고 나머지 글자는 파랗습니다. 뉴런 하나가 스스로 PWM과 비슷한 것을 배운 셈입니다.
  모티프 밖의 무작위 자리는 거의 흰색(0 근처)입니다.
- 모티프 자리가 고정된 이 데이터에서는 뉴런 하나(= 로지스틱 회귀)로도 베이즈 규칙에 가까운 정확도가 나옵니다.
  아래의 CNN은 이런 뉴런(필터)을 여러 개 두고, 같은 가중치를 서열을 따라 밀며 적용해 모티프가 **어디에 있든**
  찾을 수 있게 만든 것입니다.

## 모델: 수업의 CNN

수업은 Keras로, biochemml은 **PyTorch**로 신경망을 만듭니다. 층 이름만 조금 다를 뿐 같은 층입니다:
Keras의 `Conv1D` → PyTorch `Conv1d`, `MaxPooling1D` → `MaxPool1d`, `Flatten` → 펼치기(PyTorch에서는
`forward` 안의 `flatten` 한 줄이라 층 목록에 따로 나오지 않습니다), `Dense` → `Linear`.

**padding**: 수업 본문은 `padding='same'`으로 설명합니다(20칸 → 풀링 후 5칸 → (5, 10) → 50개로 펼침).
그런데 수업이 출력한 요약표는 (16, 10) → (4, 10) → 40개, 파라미터(parameter, 수업 자료의 '모수') 292개로, `padding='valid'`의 결과입니다.
`same`은 서열 양 끝에 0을 덧대어 합성곱 출력 길이를 입력과 같게(20) 유지하고, `valid`는 덧대지 않아
길이 5 필터가 들어갈 수 있는 16자리만 계산합니다. 아래에 두 요약표를 나란히 놓았습니다. 이 노트북은 수업의
요약표와 같은 `valid`를 씁니다.

수업 코드의 출력층은 `sigmoid`인데 손실 함수는 `categorical_crossentropy`입니다. 범주형 교차 엔트로피는
두 클래스 확률의 합이 1이라고 가정하는데, sigmoid는 두 출력을 따로따로 0-1로 만들 뿐이라 합이 1이 되지
않습니다. 두 클래스를 하나의 확률 분포로 내는 **softmax**가 이 손실과 짝이 맞으며, biochemml은
softmax 교차 엔트로피를 씁니다(클래스가 둘이면 출력 하나에 sigmoid + 이진 교차 엔트로피도 같은 모델입니다).
"""),
    code("""
valid = summary(build("lecture-cnn", input_length=LENGTH)).splitlines()
same = summary(build("lecture-cnn", input_length=LENGTH, padding="same")).splitlines()
for left, right in zip(["padding='valid' (수업의 요약표)"] + valid,
                       ["padding='same' (수업 본문의 설명)"] + same):
    print(f"{left:70s} | {right}")
print()
print(build("lecture-cnn", input_length=20))   # PyTorch 모듈: 층과 크기
"""),
    md("""
수업처럼 배치 크기 100으로 20 에포크(epoch: 학습 세트 전체를 한 번 다 도는 것) 학습하고, 학습 세트의 10 %는
검증 세트(validation set)로 떼어 에포크마다 손실(loss)과 정확도를 잽니다(`validation_split=0.1`). 데이터로 모델의
파라미터를 정하는 이 과정을 수업 자료는 모형을 적합(fitting)한다고도 부르며, 코드의 `fit`이 그 일을 합니다.
"""),
    code("""
clf = SequenceClassifier("lecture-cnn", epochs=EPOCHS, batch_size=100, validation_split=0.1, seed=SEED)
clf.fit(train.sequence, train.label)
plot.training_curves(clf.history_)
"""),
    md("""
## 테스트 세트 평가와 혼동 행렬

혼동 행렬에서 모티프가 없는데 있다고 한 경우(FP)가 제1종 오류, 모티프가 있는데 놓친 경우(FN)가
제2종 오류입니다.
"""),
    code("""
proba = clf.predict_proba(test.sequence)
pred = clf.classes_[proba.argmax(axis=1)]
result = metrics.classification_metrics(test.label, pred, proba=proba)
print(f"test loss {result['log_loss']:.3f}, test accuracy {result['accuracy']:.3f}")

# 베이즈 규칙: 모티프 자리(POSITION부터 pwm.width개 염기)가 모티프 PWM에서 나왔을 가능도가
# 무작위 염기(각 1/4)일 가능도보다 크면 양성(1)
bayes_calls = bayes_rule(pwm, test.sequence, position=POSITION)
bayes_right = int(np.sum(bayes_calls == test.label))
bayes_acc = bayes_right / len(test)
model_right = int(np.sum(pred == test.label))
gap = bayes_right - model_right
compared = (f"{gap} fewer" if gap > 0 else f"{-gap} more" if gap < 0 else "as many")
print(f"Bayes rule on this test split {bayes_acc:.3f} ({bayes_right} of {len(test)}); "
      f"the lecture CNN gets {model_right}, {compared}")
print(f"Bayes ceiling averaged over all possible data sets {ceiling:.3f}")
print(f"읽는 법: 데이터를 만든 규칙을 정확히 아는 베이즈 규칙도 이 테스트 세트 {len(test)}개 중 "
      f"{bayes_right}개만 맞힙니다(정확도 {bayes_acc:.3f}). 수업의 CNN은 {model_right}개를 맞혀 "
      + (f"{gap}개 적습니다. " if gap > 0 else f"{-gap}개 많습니다(이 세트에서의 우연입니다). " if gap < 0
         else "같은 수를 맞혔습니다. ")
      + f"무한히 많은 데이터에서의 평균 천장은 {ceiling:.3f}입니다.")

cm = metrics.confusion_matrix(test.label, pred)          # 행 = 실제(0 random, 1 motif), 열 = 예측
print(metrics.explain_confusion(cm, labels=["random", "motif"], positive="motif"))
print(f"읽는 법: 서열 {cm.sum()}개 중 {np.trace(cm)}개를 맞혔습니다. 모티프 서열 {cm[1].sum()}개 중 "
      f"{cm[1, 0]}개를 놓쳤고(거짓음성, 제2종 오류), 무작위 서열 {cm[0].sum()}개 중 {cm[0, 1]}개를 모티프로 "
      f"잘못 봤습니다(거짓양성, 제1종 오류). 민감도(sensitivity)와 특이도(specificity)는 아래에서 풉니다.")
plot.confusion_matrix(cm, labels=["random", "motif"])
"""),
    md("""
### 혼동 행렬에서 나오는 지표: 정밀도, 재현율(민감도), 특이도, F1

"모티프 있음"(1)을 양성으로 두면 혼동 행렬의 네 칸은 참양성(TP, 모티프를 모티프로), 거짓양성(FP, 무작위를
모티프로), 거짓음성(FN, 모티프를 무작위로), 참음성(TN, 무작위를 무작위로)입니다. 수업 자료가 이름만 소개한
지표들은 이 네 수로 계산합니다.

- **정밀도(precision)** = TP / (TP + FP): 모티프라고 예측한 서열 가운데 진짜 모티프 서열의 비율.
  "모델이 '있다'고 하면 얼마나 믿을 수 있나"입니다.
- **재현율(recall) = 민감도(sensitivity)** = TP / (TP + FN): 진짜 모티프 서열 가운데 모델이 찾아낸 비율.
  "있는 것을 얼마나 놓치지 않나"입니다.
- **특이도(specificity)** = TN / (TN + FP): 무작위 서열 가운데 무작위라고 맞게 판정한 비율.
- **F1** = 2 × 정밀도 × 재현율 / (정밀도 + 재현율): 두 값의 조화 평균. 둘 중 하나만 낮아도 F1은 낮아집니다.

어느 지표가 중요한지는 목적에 따라 다릅니다. 결합 후보를 골라 비싼 실험으로 확인한다면 헛걸음을 줄이는
정밀도가, 결합 부위를 하나도 빠뜨리지 않아야 한다면 재현율이 중요합니다. 아래는 위 혼동 행렬의 숫자로 직접
계산한 값과 `classification_metrics`가 준 값입니다.
"""),
    code("""
tn, fp, fn, tp = cm.ravel()      # 행 = 실제(0 random, 1 motif), 열 = 예측
precision = tp / (tp + fp)
recall = tp / (tp + fn)
specificity = tn / (tn + fp)
f1 = 2 * precision * recall / (precision + recall)
print(f"TP {tp}, FP {fp}, FN {fn}, TN {tn}")
print(f"정밀도 = {tp} / ({tp} + {fp}) = {precision:.3f}   (result['precision'] {result['precision']:.3f})")
print(f"재현율 = {tp} / ({tp} + {fn}) = {recall:.3f}   (result['recall'] {result['recall']:.3f})")
print(f"특이도 = {tn} / ({tn} + {fp}) = {specificity:.3f}   (result['specificity'] {result['specificity']:.3f})")
print(f"F1 = 2 x {precision:.3f} x {recall:.3f} / ({precision:.3f} + {recall:.3f}) = {f1:.3f}   "
      f"(result['f1'] {result['f1']:.3f})")
"""),
    md("""
### 테스트 손실(test loss)은 무엇인가: 교차 엔트로피

위에 출력한 `test loss`는 **교차 엔트로피**(cross-entropy)입니다. 수업 자료의 예처럼, 모델이 세 클래스에
확률 [0.7, 0.1, 0.2]를 주었고 실제 정답이 첫 번째 클래스([1, 0, 0])라면, 이 한 예의 손실은 **정답 클래스에 준
확률**의 −log, 곧 −log 0.7 = 0.357입니다(자연로그). 정답에 확률 1을 주면 손실은 0이고, 0.5면 0.693, 확률이
0에 가까워질수록 한없이 커집니다. 테스트 손실은 테스트 서열마다 이 값을 구해 평균한 것(`result['log_loss']`)입니다.
정확도는 맞았는지 틀렸는지만 세지만, 손실은 **얼마나 확신하고** 맞히거나 틀렸는지까지 반영합니다.
"""),
    code("""
print(f"-log(0.7) = {-np.log(0.7):.3f}")                   # 수업 자료의 예
true_column = np.searchsorted(clf.classes_, test.label)    # 각 서열의 정답이 proba의 몇 번째 열인가
p_true = proba[np.arange(len(test)), true_column]          # 정답 클래스에 준 확률
print(f"mean of -log(probability of the true class) over {len(test)} test sequences: "
      f"{np.mean(-np.log(p_true)):.3f}")
print(f"result['log_loss'] = {result['log_loss']:.3f}")
print(f"읽는 법: 테스트 서열 {len(test)}개마다 정답에 준 확률의 -log를 평균한 값이 테스트 손실입니다. "
      f"정답에 0.5보다 작은 확률을 준 서열(틀린 서열)은 {int(np.sum(p_true < 0.5))}개입니다.")
"""),
    md("""
### 수업 자료의 숫자와 비교할 때

- **수업의 테스트 정확도 0.973(테스트 손실 0.095)과 비교할 때**: 이 노트북의 수업 CNN은 위에 출력한
  `test accuracy`를 얻습니다(SEED = 0에서 0.945). 차이에는 여러 까닭이 겹쳐 있습니다.
  1. **수업의 Keras 코드(요약표의 `valid` 모델)로 돌려도 0.973은 나오지 않았습니다.** `benchmarks/RESULTS.md`의
     "The lecture (issue 4)" 절에서는 수업 코드(TensorFlow, 20 에포크)를 이 노트북과 같은 다섯 가지 데이터와
     분할(seed 0-4)에서 돌렸습니다. 다만 합성곱 층은 본문의 `padding='same'`(파라미터 312개)이 아니라 수업이 출력한
     요약표와 같은 `padding='valid'`(파라미터 292개, 이 노트북의 모델과 같은 구조)로 두었고, 테스트 정확도는 평균
     0.948(0.945-0.953)이었습니다. 본문대로 `'same'`으로 돌린 결과는 없습니다. 같은 다섯 분할에서 이 노트북의 수업
     CNN은 평균 0.955(0.940-0.968)이므로(아래 "데이터를 다섯 번 새로 만들어 보기" 표 밑에 두 결과를 나란히
     출력합니다), PyTorch로 옮겨서 정확도가 낮아진 것은 아닙니다.
  2. **수업의 학습 곡선(그림 9)은 `epochs=50`으로 그렸습니다.** 코드의 `epochs=20`과 다르므로, 0.973도 더 오래
     학습한 모델의 값일 수 있습니다(수업 자료만으로는 확인할 수 없습니다). 50 에포크의 효과는 아래의 다섯 번
     반복한 표와 "과소적합과 과대적합" 절에서 볼 수 있습니다.
  3. **테스트 세트가 400개뿐입니다.** 서열 4개가 정확도 1 %p이고, RESULTS.md에 따르면 400개 테스트 세트의
     표준오차가 약 0.007이라 어떤 서열이 뽑혔는지에 따라 ±0.01 정도는 우연으로 오르내립니다.
  4. **천장이 있습니다.** 데이터를 만든 규칙을 정확히 아는 베이즈 규칙도 평균 0.979이고, 테스트 세트 하나에서는
     위에 출력한 만큼(`Bayes rule on this test split`)만 맞힙니다. 아래의 다섯 분할에서는 0.960-0.980입니다
     (표의 `Bayes rule` 열). 모티프가 약하게 뽑혀 무작위 서열과 구별할 수 없는 서열이 세트마다 다르게 들어가기 때문입니다.
     0.973은 이 천장에 바짝 붙은 값이라, 수업의 작은 CNN이 얻으려면 운 좋은 테스트 세트가 필요합니다.

  그러니 모델의 테스트 정확도는 전체 평균의 천장이 아니라 **이 테스트 세트의 천장**(베이즈 규칙)과 비교하세요.
  이 세트에서 수업의 CNN과 베이즈 규칙의 차이가 우연인지는 테스트 세트 하나로 알 수 없으므로, 아래에서 데이터를
  다섯 번 새로 만들어 확인합니다. 참고로 수업의 20 에포크 학습 기록에서 마지막 검증 정확도는 0.944로, 이
  노트북의 모델과 비슷한 수준입니다.
- **라벨 순서**: 본문은 모티프가 있는 서열을 `[0,1]`로 만든다고 하지만, 코드는 양성에 `[1,0]`
  (`onehot_encode_pos_label[:,0] = 1`), 음성에 `[0,1]`을 넣습니다. 그래서 코드에서는 0번 열이 "모티프
  있음"이고, `confusion_matrix(y_test[:,1], predictions)`의 `y_test[:,1]`은 **음성일 때 1**입니다.
  수업의 행렬 `[[188, 6], [5, 201]]`에서 첫 행·첫 열이 모티프 서열이므로, 188은 참양성, 201은
  참음성(본문의 195가 아님: 188 + 6 + 5 + 201 = 400), 6은 모티프를 놓친 **거짓음성(제2종 오류)**,
  5는 무작위 서열을 모티프로 본 **거짓양성**(제1종 오류)입니다. 본문은 6과 5를 반대로 읽었습니다.
  이 노트북은 모티프 = 1로 두어 혼동을 피합니다.
"""),
    md("""
## 더 나은 모델, 그리고 간단한 모델

biochemml의 기본 분류기(`SequenceClassifier()`)는 조기 종료(early stopping)와 가중치 감쇠를 쓰는
조금 더 큰 CNN입니다. 한편 모티프 위치가 고정된 이 데이터에서는 **원-핫에 대한 로지스틱 회귀**도
베이즈 최적 규칙과 같은 꼴(원-핫에 대한 선형 함수)이라 매우 잘 됩니다. 복잡한 모델이 늘 필요한 것은
아니라는 점을 기억하세요.
"""),
    code("""
from sklearn.linear_model import LogisticRegression
from biochemml.encode import one_hot

best = SequenceClassifier(seed=SEED).fit(train.sequence, train.label)
X_train = one_hot(train.sequence.tolist()).reshape(len(train), -1)
X_test = one_hot(test.sequence.tolist()).reshape(len(test), -1)
logreg = LogisticRegression(max_iter=2000).fit(X_train, train.label)
right = {"lecture CNN": int(np.sum(clf.predict(test.sequence) == test.label)),
         "default CNN": int(np.sum(best.predict(test.sequence) == test.label)),
         "logistic regression": int(np.sum(logreg.predict(X_test) == test.label))}
for name, n_right in right.items():
    diff = n_right - bayes_right
    print(f"{name:27s} {n_right / len(test):.3f}   ({n_right} of {len(test)}; "
          + (f"{diff} more than" if diff > 0 else f"{-diff} fewer than" if diff < 0 else "as many as")
          + " the Bayes rule)")
print(f"Bayes rule, this test split {bayes_acc:.3f}   ({bayes_right} of {len(test)}; "
      f"Bayes ceiling on average {ceiling:.3f})")
"""),
    md("""
괄호 안의 수는 같은 테스트 세트에서 베이즈 규칙보다 몇 개를 더(또는 덜) 맞혔는지입니다. SEED = 0에서는 기본 CNN과
로지스틱 회귀가 베이즈 규칙과 거의 같은 수를 맞히고(한두 개를 더 맞히기도 합니다), 수업의 CNN은 여섯 개 적게
맞힙니다. 다른 seed에서는 기본 CNN과 로지스틱 회귀도 몇 개 적게 맞히기도 합니다. 베이즈 규칙은 **평균적으로**
가장 좋은 규칙이지, 400개짜리 테스트 세트 하나하나에서 늘 1등인 것은 아닙니다. 서열 서너 개(1 %p 안팎)의 차이는
우연의 범위로 보고, 그 정도라면 이 데이터에서 얻을 수 있는 최고 수준 가까이 왔다고 읽으면 됩니다.

### 한 번의 결과로 판단하지 않기: 데이터를 다섯 번 새로 만들어 보기

테스트 세트 하나의 결과에는 우연이 섞입니다. 좋은 seed를 골라 보여 주는 대신, seed 0-4로 데이터를 다섯 번
새로 만들고(분할은 수업과 같은 `random_state=125`) 같은 비교를 반복합니다. 1코어에서 약 10초가 걸립니다.
"""),
    code("""
import pandas as pd

rows = []
for seed in range(5):
    d = motif_dataset(pwm, n_positive=1000, n_negative=1000, length=LENGTH, position=POSITION, seed=seed)
    d_train_idx, _, d_test_idx = split_indices(len(d), test_size=0.2, seed=125)
    d_train, d_test = d.iloc[d_train_idx], d.iloc[d_test_idx]
    row = {"seed": seed, "Bayes rule": np.mean(bayes_rule(pwm, d_test.sequence, position=POSITION) == d_test.label)}
    for epochs in (20, 50):
        cnn = SequenceClassifier("lecture-cnn", epochs=epochs, batch_size=100, validation_split=0.1, seed=seed)
        row[f"lecture CNN, {epochs} epochs"] = cnn.fit(d_train.sequence, d_train.label).score(d_test.sequence, d_test.label)
    X_d_train = one_hot(d_train.sequence.tolist()).reshape(len(d_train), -1)
    X_d_test = one_hot(d_test.sequence.tolist()).reshape(len(d_test), -1)
    row["logistic regression"] = LogisticRegression(max_iter=2000).fit(X_d_train, d_train.label).score(X_d_test, d_test.label)
    rows.append(row)
seeds = pd.DataFrame(rows).set_index("seed")
seeds.loc["mean"] = seeds.mean()
print(seeds.round(4).to_string())
gap = (seeds["Bayes rule"] - seeds["lecture CNN, 20 epochs"]).drop("mean") * 100
print(f"읽는 법: 수업의 CNN(20 에포크)은 다섯 번 중 {int((gap > 0).sum())}번 베이즈 규칙보다 적게 맞혔고"
      f"(차이 {gap.min():.2f}-{gap.max():.2f} %p), 평균 정확도는 {seeds.loc['mean', 'lecture CNN, 20 epochs']:.3f} 대 "
      f"{seeds.loc['mean', 'Bayes rule']:.3f}입니다. 50 에포크로 늘리면 평균 "
      f"{seeds.loc['mean', 'lecture CNN, 50 epochs']:.3f}입니다.")
lecture20 = seeds["lecture CNN, 20 epochs"].drop("mean")
print(f"수업의 CNN(20 에포크), seed 0-4: 평균 {lecture20.mean():.3f} ({lecture20.min():.3f}-{lecture20.max():.3f})")
if (pwm.consensus, LENGTH, POSITION) == ("CCGGAA", 20, 7):   # 수업의 기본 설정일 때만 견줄 수 있음
    print("수업의 Keras 코드(padding='valid'), 같은 seed 0-4의 데이터와 분할(benchmarks/RESULTS.md): "
          "평균 0.948 (0.945-0.953)")
"""),
    md("""
읽는 법:

이 표는 `SEED`와 상관없이 늘 seed 0-4를 돌립니다. 수업의 기본 설정(CCGGAA, 8번째 염기부터, 20 nt)에서는 이렇습니다.

- 수업의 CNN(20 에포크)은 다섯 번 모두 베이즈 규칙보다 적게 맞혔습니다. 테스트 세트 하나에서의 차이는 우연일 수
  있지만, 매번 같은 쪽으로 나는 차이는 우연이 아닙니다. 평균으로 약 1.7 %p, 400개 중 7개쯤입니다.
  `benchmarks/RESULTS.md`에서 수업의 Keras 코드(`padding='valid'`)를 같은 다섯 분할에 돌린 결과도 평균
  0.948(0.945-0.953)로, 베이즈 규칙에 못 미쳤습니다(위 출력의 마지막 줄).
- 같은 CNN을 50 에포크 학습해도 정확도는 평균으로 거의 오르지 않습니다(`mean` 행).
- 같은 데이터에서 로지스틱 회귀는 평균적으로 베이즈 규칙만큼 맞힙니다. 그러니 수업의 CNN이 못 미치는 것은
  데이터가 어려워서가 아니라 이 작은 모델과 학습 설정의 한계입니다. 한 번의 실험에서 좋은 숫자가 나올 수는
  있지만(seed 4), 모델을 판단할 때는 이렇게 여러 번의 평균과 흩어짐을 보세요.

모티프나 자리를 바꿨다면 위의 "읽는 법" 줄과 표를 보고 같은 질문(매번 같은 쪽으로 차이가 나는가?)을 해 보세요.
"""),
    md("""
## 과소적합과 과대적합

에포크 수를 2로 줄이면 모델이 아직 배우지 못한 상태(**과소적합**, underfitting)가 됩니다. 학습 정확도와 테스트 정확도가
**둘 다** 낮은 것이 특징입니다. 수업의 설정(20 에포크)과, 더 오래(50 에포크) 학습한 모델도 함께 비교합니다.
그림은 50 에포크 모델의 학습 곡선입니다.
"""),
    code("""
under = SequenceClassifier("lecture-cnn", epochs=2, batch_size=100, validation_split=0.1, seed=SEED)
under.fit(train.sequence, train.label)
longer = SequenceClassifier("lecture-cnn", epochs=50, batch_size=100, validation_split=0.1, seed=SEED)
longer.fit(train.sequence, train.label)
scores = {}
for name, model in [("2 epochs", under), (f"{EPOCHS} epochs", clf), ("50 epochs", longer)]:
    p = model.predict_proba(test.sequence)
    r = metrics.classification_metrics(test.label, model.classes_[p.argmax(axis=1)], proba=p)
    scores[name] = (model.history_["val_loss"][-1], r["accuracy"], r["log_loss"])
    print(f"{name:10s} train acc {model.history_['accuracy'][-1]:.2f}, "
          f"validation loss {model.history_['val_loss'][-1]:.3f}, "
          f"test acc {r['accuracy']:.3f}, test loss {r['log_loss']:.3f}")
(v20, a20, l20), (v50, a50, l50) = scores[f"{EPOCHS} epochs"], scores["50 epochs"]
moved = round((a50 - a20) * len(test))
# 숫자 뒤에 조사(로/으로)를 붙이지 않도록 괄호로 적습니다: 0.120으로, 0.125로처럼 끝자리에 따라 달라지기 때문입니다
print(f"읽는 법: {EPOCHS} -> 50 에포크에서 검증 손실 {v20:.3f} -> {v50:.3f}, 테스트 손실 {l20:.3f} -> {l50:.3f}"
      + ("(내려감)" if l50 < l20 else "(내려가지 않음)")
      + f", 테스트 정확도 {a20:.3f} -> {a50:.3f}"
      + (f"(서열 {abs(moved)}개 {'더' if moved > 0 else '덜'} 맞힘)입니다." if moved else "(같음)입니다."))
plot.training_curves(longer.history_)
"""),
    md("""
읽는 법:

- **2 에포크**: 학습·검증·테스트 모두 나쁩니다. 과소적합입니다. 학습 정확도(`train acc`)가 테스트 정확도보다
  낮게 나오기도 합니다(SEED = 0에서 0.75 대 0.785). `history_`의 학습 정확도가 Keras처럼 **한 에포크를 도는 동안의
  평균**이기 때문입니다. 배치마다 그 배치로 가중치를 고치기 **직전**의 모델로 잰 정확도를 에포크 내내 모은 값이라,
  모델이 빠르게 좋아지는 초반에는 에포크가 끝난 뒤의 모델(테스트에 쓰는 모델)보다 낮게 나옵니다.
- **20 에포크(수업의 설정)도 조금 덜 학습된 상태**입니다. SEED = 0에서는 50 에포크까지 학습하면 검증 손실과 테스트
  손실이 계속 내려가는데(그림에서도 20 에포크 뒤에 손실이 더 내려갑니다), 테스트 정확도는 서열 두 개만큼만
  달라집니다. seed 0-4에서 모두 손실은 내려갔고, 정확도는 서열 몇 개 안에서 오르기도 내리기도 했습니다. 위 출력의
  "읽는 법" 줄이 지금 seed의 결과입니다. 정확도는 확률이 0.5를 넘었는지만 보므로, 맞힌 서열을 더 확신하게 되는
  변화는 손실에만 나타납니다. 학습을 언제 멈출지는 정확도만이 아니라 손실 곡선까지 보고 정하세요.
"""),
    md("""
반대로 학습 데이터를 아주 적게 주고 큰 모델을 오래 학습하면, 학습 데이터는 모두 맞히지만
처음 보는 서열에서는 정확도가 떨어집니다(**과대적합**, overfitting). 아래에서는 서열 200개만 골라 그중 20 %(40개)를
검증 세트로 떼고, 나머지 160개로 필터 128개짜리 CNN을 100 에포크 학습합니다.
"""),
    code("""
small = train.sample(200, random_state=0)   # 서열 200개뿐: 160개로 학습, 40개로 검증
over = SequenceClassifier("cnn", epochs=100, patience=None, validation_split=0.2,
                          model_params={"filters": (128,), "hidden": 128, "dropout": 0.0},
                          seed=SEED).fit(small.sequence, small.label)
h = over.history_
n_val = round(0.2 * len(small))
n_epochs = len(h["loss"])
lowest = int(np.argmin(h["val_loss"])) + 1
rise = h["val_loss"][-1] - min(h["val_loss"])      # 가장 낮았던 때보다 마지막에 얼마나 올랐나
over_acc = over.score(test.sequence, test.label)
print(f"train acc {h['accuracy'][-1]:.2f} ({len(small) - n_val} sequences), "
      f"validation acc {h['val_accuracy'][-1]:.3f} ({round(h['val_accuracy'][-1] * n_val)} of {n_val}), "
      f"test acc {over_acc:.3f} ({len(test)} sequences)")
print(f"validation loss: lowest {min(h['val_loss']):.3f} at epoch {lowest}, {h['val_loss'][-1]:.3f} at the last "
      f"epoch ({n_epochs}); the model keeps the weights of epoch {n_epochs}")
print(f"읽는 법: 학습 서열 {len(small) - n_val}개에서는 정확도 {h['accuracy'][-1]:.2f}인데, 처음 보는 검증 서열 "
      f"{n_val}개에서는 {h['val_accuracy'][-1]:.3f}, 테스트 서열 {len(test)}개에서는 {over_acc:.3f}입니다.")
if rise > 0.01:
    print(f"검증 손실은 {lowest}번째 에포크에서 가장 낮았고, 그 뒤 마지막 {n_epochs}번째 에포크까지 {rise:.3f}만큼 "
          "다시 올랐습니다. 학습 손실은 계속 내려가는데 검증 손실이 오르는 것이 과대적합의 신호입니다.")
else:
    print(f"이번에는 검증 손실이 끝까지 거의 오르지 않았습니다(가장 낮은 때 {lowest}번째 에포크, 마지막과의 차이 "
          f"{rise:.3f}). 검증 손실만 보면 과대적합이 드러나지 않지만, 학습 정확도와 테스트 정확도의 차이가 "
          "과대적합을 보여 줍니다.")
print(f"patience=None이라 마지막 {n_epochs}번째 에포크의 가중치를 그대로 씁니다.")
plot.training_curves(over.history_)
"""),
    md("""
읽는 법:

- **학습 정확도와 테스트 정확도의 차이**가 과대적합의 크기입니다. 모델이 학습 서열 160개를 통째로 외웠지만,
  처음 보는 서열에서는 그만큼 맞히지 못합니다.
- **검증 정확도와 테스트 정확도가 다른 이유**: 둘 다 "처음 보는 서열"의 정확도지만, 검증 세트는 40개뿐이라
  서열 하나가 2.5 %p를 움직입니다. 테스트 세트 400개(서열 하나 = 0.25 %p)보다 훨씬 덜 정확한 추정이므로,
  위처럼 몇 %p 차이는 서열 한두 개 차이로 생길 수 있습니다. 작은 데이터에서 검증 점수 하나로 모델을 고를 때
  조심해야 하는 이유입니다. 그림의 검증 정확도가 2.5 %p씩 계단처럼 움직이는 것도 이 때문입니다.
- **그림의 빨간 점선**(`lowest validation loss`)은 검증 손실이 가장 낮았던 에포크입니다. 조기 종료(`patience`)를 쓰면
  그 에포크의 가중치로 되돌아가지만, 여기서는 `patience=None`이라 **마지막 에포크(100)의 가중치**를 그대로
  씁니다. 위에 출력한 정확도는 모두 이 마지막 가중치의 값입니다.
- **검증 손실 곡선**: 학습 손실은 계속 0을 향해 내려가는데 검증 손실은 더 내려가지 않고 다시 오르는 것이 과대적합의
  전형적인 신호입니다. SEED = 0에서는 검증 손실이 50번째 에포크 무렵 가장 낮고 그 뒤 조금씩 오릅니다. 그런데
  seed에 따라서는 검증 손실이 100 에포크 끝까지 거의 내려가기만 하기도 합니다(seed 0-4 중 seed 1과 4). 검증 서열이
  40개뿐이라 곡선 자체가 크게 흔들리기 때문입니다. 그럴 때도 학습 정확도와 테스트 정확도의 차이는 과대적합을
  보여 줍니다. 지금 seed에서 무슨 일이 있었는지는 위 출력의 "읽는 법" 줄에 적혀 있습니다.

`EPOCHS`와 학습 데이터 크기를 바꿔 가며 학습 곡선을 비교해 보세요.
"""),
    md("""
## 하이퍼파라미터 고르기: 검증 세트로 고르고, 테스트는 마지막에 한 번

필터 수나 에포크 수 같은 **하이퍼파라미터**(hyper-parameter)는 데이터로 학습되지 않고 우리가 정합니다. 테스트 세트를 보며
고르면 테스트 점수가 부풀려지므로, 학습 세트(1,600개) 안에서 20 %(320개)를 **검증 세트**로 떼어 설정을 비교하고,
고른 모델만 테스트 세트로 한 번 평가합니다.

검증 세트를 이미 따로 떼었으므로 `validation_split=0`을 줍니다. 기본값(0.1)이면 `fit`이 남은 1,280개에서
다시 10 %(128개)를 떼어 1,152개로만 학습합니다(여기서는 `patience=None`이라 조기 종료에도 쓰이지 않습니다).
"""),
    code("""
fit_idx, val_idx, _ = split_indices(len(train), test_size=0.0, val_size=0.2, seed=SEED)
fit, val = train.iloc[fit_idx], train.iloc[val_idx]
settings = {"10 filters, 20 epochs": (10, 20),    # 수업의 설정
            "10 filters, 50 epochs": (10, 50),
            "32 filters, 50 epochs": (32, 50)}
fitted, val_acc = {}, {}
for name, (filters, epochs) in settings.items():
    model = SequenceClassifier("lecture-cnn", epochs=epochs, batch_size=100, patience=None,
                               validation_split=0, model_params={"filters": filters}, seed=SEED)
    fitted[name] = model.fit(fit.sequence, fit.label)
    val_acc[name] = model.score(val.sequence, val.label)
    print(f"{name:22s} validation acc {val_acc[name]:.3f} ({round(val_acc[name] * len(val))} of {len(val)})")
chosen = max(val_acc, key=val_acc.get)
print(f"chosen on validation: {chosen} -> test acc {fitted[chosen].score(test.sequence, test.label):.3f}"
      f" (Bayes rule on this test split {bayes_acc:.3f})")
print(f"읽는 법: 검증 정확도가 가장 높은 설정({chosen})을 고른 뒤, 그 모델만 테스트 세트로 한 번 평가했습니다.")
more = round((val_acc["10 filters, 50 epochs"] - val_acc["10 filters, 20 epochs"]) * len(val))
print("10개 필터 모델은 에포크를 20에서 50으로 늘려 검증 서열을 "
      + (f"{more}개 더 맞혔습니다." if more > 0 else f"{-more}개 덜 맞혔습니다." if more < 0 else "똑같이 맞혔습니다."))
"""),
    md("""
SEED = 0에서는 10개 필터 모델의 검증 정확도가 20 에포크와 50 에포크에서 같고, 다른 seed에서는 50 에포크가 서열
몇 개를 더 맞히기도 합니다(위 출력의 마지막 줄). 정확도가 같더라도 20 에포크 안에 배울 것을 다 배운 것은 아닙니다.
위의 과소적합 절에서 보았듯 정확도가 그대로여도 손실은 계속 줄어듭니다. 반대로 정확도가 조금 올랐더라도, 검증
세트가 320개뿐이라(서열 하나 = 0.3 %p) 서열 몇 개 차이로 갈린 설정이 정말 더 낫다고 단정하기는 어렵습니다.
마지막 테스트 정확도 역시 같은 테스트 세트의 베이즈 규칙과 비교해 읽으세요.
"""),
    md("""
## 모델은 무엇을 배웠나: in silico 돌연변이 분석과 필터 모티프

정확도가 높다고 해서 모델이 **모티프**를 보고 판단한다는 보장은 없습니다. 두 가지로 확인합니다.

1. **In silico 돌연변이 분석(ISM, in silico mutagenesis)**: 서열의 각 위치를 다른 세 염기로 하나씩 바꿔 가며
   모델에 다시 넣고, 예측이 얼마나 변하는지 봅니다(20개 위치 × 3 = 60개 변이체). 분류 모델에서는 확률 대신
   **로그 오즈**(log-odds) ln(p / (1 − p))의 변화를 봅니다. 확률은 1 근처에서 포화되어 차이가 잘 안 보이기
   때문입니다. 이 로그 오즈는 자연로그이고, 1장의 PWM log-odds 점수(비트 단위)와는 다른 양입니다. 위치의
   **중요도**(importance)는 "원래 염기일 때의 예측 − 다른 세 염기일 때 예측의 평균"입니다. 양수면 그 염기가
   모티프 판단을 돕고, 음수면 방해합니다.
2. **필터 모티프**: 첫 합성곱 층의 필터 하나하나는 길이 5의 모티프 탐지기입니다. 모티프가 있는 학습 서열에서
   필터 출력이 그 필터 최댓값의 절반 이상인 윈도우(window)를 모두 모아 1장처럼 PFM을 만들면, 필터가 무엇을 찾는지
   로고로 볼 수 있습니다(DeepBind, Basset 논문의 방법).
"""),
    code("""
from biochemml.interpret import mutagenesis, filter_motifs, filter_influence
from biochemml.interpret.folder import readable_consensus

carriers = test[test.label == 1].sequence.tolist()      # 테스트 세트에서 모티프가 있는 서열
ism = mutagenesis(clf, carriers)
from math import comb

print(ism.effects.shape, f"= (서열 수, 위치 {LENGTH}, 바꾼 뒤의 염기 A/C/G/T; 원래 염기 칸은 0)")
first, last = POSITION + 1, POSITION + pwm.width             # 모티프 자리, 1부터 센 위치
# 중요도의 크기(절댓값)가 가장 큰 위치 4개. 예측을 낮추는 염기도 중요한 염기입니다.
top4 = np.argsort(np.abs(ism.importance), axis=1)[:, -4:] + 1   # 1부터 센 위치
inside = np.all((top4 >= first) & (top4 <= last), axis=1)
print(f"모티프 서열 {len(carriers)}개 중 {inside.mean():.0%}에서, 가장 중요한 위치 4개가 모두 "
      f"모티프 자리({first}-{last}번 염기) 안에 있습니다.")
chance = comb(pwm.width, 4) / comb(LENGTH, 4)
print(f"위치 {LENGTH}개 중 4개를 무작위로 고르면 모두 모티프 자리 {pwm.width}개 안에 들 확률은 "
      f"({pwm.width}C4)/({LENGTH}C4) = {comb(pwm.width, 4)}/{comb(LENGTH, 4)} = {chance:.1%}입니다.")
strongest = int(np.argmax(ism.reference))                   # 로그 오즈가 가장 큰 서열
print(f"그림: {strongest}번 서열 {carriers[strongest]} (로그 오즈 {ism.reference[strongest]:.1f})")
plot.mutagenesis_map(ism, index=strongest)
"""),
    md("""
읽는 법: 위쪽 로고는 서열의 각 염기를 **중요도만큼의 높이**로 그립니다. 선 위의 글자는 그 염기가 "모티프 있음"
판단을 돕고, 선 아래의 글자는 방해합니다(중요도가 음수). 모티프 자리(수업의 기본 설정에서는 8-13번 염기, CCGGAA;
위에 출력한 자리)만 크게 솟아 있으면 모델이 모티프를 보고 판단한다는 뜻입니다. 아래 히트맵은 각 위치를 그 염기로 바꿨을 때 로그 오즈가 얼마나 변하는지입니다(파랑 =
모티프일 가능성이 내려감, 빨강 = 올라감, 검은 점 = 원래 염기). 모티프 밖의 칸이 거의 흰색이면 모델이 무작위
염기를 무시하는 것입니다. `index=`를 바꿔 다른 서열도 보세요. 예를 들어 `index=int(np.flatnonzero(~inside)[0])`는
가장 중요한 위치가 모티프 밖에도 있는 서열입니다. 이런 서열은 대개 모티프 자리의 글자가 CCGGAA와 조금 다른 약한
모티프라서, 그 자리를 모티프의 공통 서열(CCGGAA) 쪽으로 바꾸는 칸이 빨갛게 보입니다.
"""),
    code("""
from IPython.display import display

influence = filter_influence(clf, train.sequence)       # 필터를 하나씩 끄면 예측이 얼마나 움직이나
# 양성 서열에서 필터마다 모티프를 읽고, 모델이 실제로 많이 쓰는 필터(영향력이 큰 필터)부터 늘어놓습니다
motifs = filter_motifs(clf, train[train.label == 1].sequence, influence=influence)


def piece_of_motif(filter_pwm):
    # 필터를 모티프 공통 서열(pwm.consensus) 위로 한 칸씩 밀어 보며, 필터의 N이 아닌 글자 가운데 모티프와 겹치는
    # 글자가 2개 이상이고 모두 모티프의 글자와 같은 자리를 찾습니다. 찾으면 (모티프 안의 첫 위치, 끝 위치(1부터 셈),
    # 모티프 밖으로 나간 글자 수), 못 찾으면 None을 돌려줍니다.
    letters = [(i, ch.upper()) for i, ch in enumerate(readable_consensus(filter_pwm)) if ch != "N"]
    best = None
    for shift in range(-filter_pwm.width + 1, pwm.width):
        inside = [i + shift for i, ch in letters if 0 <= i + shift < pwm.width]
        if len(inside) < 2 or any(pwm.consensus[i + shift] != ch for i, ch in letters
                                  if 0 <= i + shift < pwm.width):
            continue
        found = (min(inside) + 1, max(inside) + 1, len(letters) - len(inside))
        if best is None or (found[1] - found[0], -found[2]) > (best[1] - best[0], -best[2]):
            best = found
    return best


for m in motifs[:4]:
    piece = piece_of_motif(m)
    where = (f"piece of {pwm.consensus}: motif letters {piece[0]}-{piece[1]} "
             f"({pwm.consensus[piece[0] - 1:piece[1]]})"
             + (f" + {piece[2]} letter(s) outside the motif" if piece[2] else "")
             if piece else f"no piece of {pwm.consensus}")
    print(f"{m.name}: {readable_consensus(m)}  (windows {int(m.counts[:, 0].sum())}, "
          f"{m.information_content().sum():.1f} bits, influence {influence[m.name]:.2f}) -> {where}")
# 그림 1: 데이터를 만든 모티프. 그림 2: 영향력이 가장 큰 필터. 그림 3: 상위 4개 중 모티프의 조각이 아닌 첫 필터(있으면)
display(plot.sequence_logo(pwm, title=f"motif that made the data: {pwm.consensus}"))
display(plot.sequence_logo(motifs[0], title=f"{motifs[0].name} (most influential filter): "
                                            f"{readable_consensus(motifs[0])}"))
other = next((m for m in motifs[:4] if piece_of_motif(m) is None), None)
if other is not None:
    display(plot.sequence_logo(other, title=f"{other.name} (no piece of {pwm.consensus}): "
                                            f"{readable_consensus(other)}"))
"""),
    md("""
읽는 법:

- **글자 읽는 법**: 필터의 공통 서열(consensus)은 정보량이 1비트 이상인 자리를 대문자(그 염기가 거의 늘 옴),
  0.25-1비트인 자리를 소문자(그 염기가 더 자주 오는 정도), 그보다 낮은 자리를 N(어느 염기든 옴: 필터가 그 자리를
  거의 보지 않음)으로 적습니다. 예를 들어 `GGAAN`은 "GGAA 다음에 아무 염기", `NccGG`는 "아무 염기, C가 자주 오는
  두 자리, 그리고 GG"입니다.
- **영향력**(influence)은 필터의 출력을 평균값으로 바꿔 "꺼 본" 뒤 예측(로짓)이 얼마나 움직이는지입니다. 모티프가
  뚜렷하다고 해서 모델이 그 필터를 실제로 쓴다는 뜻은 아니므로, 영향력이 큰 필터부터 봅니다.
- **모티프의 조각인 필터**: 필터의 윈도우 길이는 5라서 6염기 모티프 CCGGAA를 한 필터가 다 담지 못합니다. 그래서 GGAA나
  CCGG처럼 모티프의 **일부**를 찾는 필터가 생기고, 위 출력에서 `piece of ...`로 표시됩니다(대문자와 소문자 글자가 모두
  모티프의 한 구간과 맞는 경우). 첫 번째 로고(데이터를 만든 모티프)와 두 번째 로고(영향력이 가장 큰 필터)를
  견주어 보세요. 모티프의 한쪽 끝에 걸쳐, 윈도우의 나머지 자리가 모티프 밖 무작위 염기라 N이 되는
  필터도 많습니다(`GGAAN`의 N). 모티프 바로 바깥 자리에도 글자가 있으면 `+ 1 letter(s) outside the motif`처럼
  따로 적습니다. 필터의 가중치가 모티프 옆 자리에서도 어떤 염기를 조금 더 좋아한다는 뜻입니다. 이 모의 데이터에서는
  모티프 옆 염기가 무작위라 배울 **맥락**(context)이 없으므로 대개 의미가 약하지만, 실제 서열에서는 결합 부위
  양옆에 자주 오는 염기 같은 맥락을 담기도 합니다.
- **조각이 아닌 필터**(`no piece of ...`, SEED = 0에서는 `NcTNN`): 모든 필터가 모티프를 깔끔하게 배우지는 않습니다.
  정보량(bits)이 낮고 N이 많은 필터는 뚜렷한 글자 없이 여러 창에 조금씩 반응하는 **약한 필터**입니다. 또 필터의
  출력은 출력층에서 더하기로도 빼기로도 쓰일 수 있어서, CCGGAA에 없는 글자(예: T)를 찾아 "모티프가 없다" 쪽으로
  기울이는 데 쓰이는 필터도 있을 수 있습니다(앞에서 뉴런 하나가 배운 가중치 그림에서도 모티프 자리의 T 칸은
  파랗습니다). 영향력(influence)은 얼마나 크게 쓰이는지만 재고 방향은 알려 주지
  않으므로, 이런 필터의 역할은 로고만으로 단정할 수 없습니다. 세 번째 로고가 그런 필터입니다(상위 4개에 있을 때만
  그립니다).
- 윈도우(window) 수가 모티프 서열 수보다 많을 수 있습니다. 필터의 윈도우는 모티프 서열 전체(모티프 밖 무작위 염기 포함)에서
  모으므로, 모티프 자리 말고도 모티프와 조금 닮은 무작위 염기에서 반응한 윈도우가 섞이기 때문입니다.
- 필터 모티프는 `biochemml.motifs.write(motifs, "filters.meme")`로 MEME 파일에 써서 Tomtom(MEME Suite)으로
  JASPAR의 알려진 모티프와 비교할 수 있습니다. 명령줄에서는 `biochemml interpret --model RUN --data 표.csv
  --out 폴더` 한 줄로 같은 분석(돌연변이 표, 그림, 필터 모티프, 보고서)을 합니다.
"""),
]

CH3 = [
    md("""
# 3장. 실제 데이터로 회귀: RBS·5' UTR·단백질 서열 → 발현량

수업의 마지막 과제인 "실제 5' UTR 데이터로 회귀"를 해 보고, 수업 계획의 응용 분야 "단백질 서열 → 발현량"도
짧게 다룹니다. 세 가지 공개 데이터를 씁니다.

- **sd_kuo2020**: 대장균 Shine-Dalgarno(RBS) 9 nt 서열 257,565개와 번역 효율(Kuo et al. 2020)
- **utr_sample2019**: 사람 세포 5' UTR(25-100 nt)과 리보솜 부하(MRL, Sample et al. 2019)
- **avgfp**: 녹색 형광 단백질(avGFP) 변이체 54,025개와 형광 밝기(Sarkisyan et al. 2016)

`biochemml.datasets.load`는 환경 변수 `BIOCHEMML_DATA`가 설정되어 있으면 그 폴더에 있는 데이터를 읽고,
설정되어 있지 않으면 공식 출처에서 내려받아 SHA256으로 검사한 뒤 컴퓨터에 저장해 둡니다(처음 실행할 때만
내려받고, 다음부터는 저장해 둔 파일을 씁니다). 여기서는 빠르게 돌도록 일부만 씁니다.
"""),
    code("""
%matplotlib inline
import numpy as np
from biochemml import datasets, SequenceRegressor, metrics, plot
from biochemml.baselines import BaselineRegressor
datasets.list()[["name", "rows", "what"]]
"""),
    md("""
## RBS 9 nt → 번역 효율

먼저 아무 딥러닝 없이 **릿지 회귀**(원-핫에 대한 가산 모델: 위치마다 염기 효과를 더함)를 기준선으로
삼습니다. 그다음 biochemml의 기본 회귀 모델(짧은 서열에는 다층 퍼셉트론, MLP)을 학습합니다. 두 모델의
차이는 염기들 사이의 상위성(epistasis, 상호작용)이 얼마나 중요한지를 보여 줍니다.

`n_models=1`은 신경망을 **하나만** 학습하라는 뜻입니다. 이 값을 주지 않으면(기본값 `"auto"`) 20,000행 이하의
표에서는 MLP 5개를 서로 다른 시작값으로 학습해 평균하는 앙상블(deep ensemble)을 만듭니다. 앙상블은 서열마다
다른 예측의 불확실성(`predict(..., return_std=True)`; 신경망 하나는 검증 행에서 잰 같은 폭을 모든 서열에
줍니다)을 알려 주고 점수도 조금 높지만(이 데이터에서 R² 0.819),
1코어에서 약 110초가 걸립니다. 여기서 배우려는 것은 가산 모델과 비선형 모델의 차이뿐이므로 네트워크 하나로
충분합니다(1코어에서 약 25초).

**회귀 모델의 점수 읽기.** 테스트 세트의 측정값 $y$와 예측값 $\\hat{y}$를 비교하는 세 가지 점수를 씁니다.

- **R²(결정계수)** $= 1 - \\dfrac{\\sum (y - \\hat{y})^2}{\\sum (y - \\bar{y})^2}$: 모든 서열을 측정값의 평균 $\\bar{y}$
  하나로 찍는 예측이 0, 완벽한 예측이 1입니다. 측정값이 서열마다 다른 정도(분산) 가운데 모델이 설명하는
  몫으로 읽으면 됩니다. 평균으로 찍는 것보다 못하면 음수가 됩니다(이 장 마지막의 GFP 절에서 가산 모델의 R²가
  −0.251로, 그런 예를 봅니다).
- **Pearson 상관계수 r**: 예측과 측정이 한 직선을 따라 얼마나 함께 움직이는지(−1에서 1). 값의 크기를 그대로
  쓰므로, 다른 값들에서 멀리 떨어진 소수의 값을 잘 맞히면 크게 오릅니다.
- **Spearman 순위 상관 ρ**: 값을 순위(1등, 2등, …)로 바꾼 뒤 구한 Pearson 상관입니다. "어느 서열이 더 높은가"의
  순서만 봅니다. 다음 실험에 쓸 상위 후보를 고를 때는 순서가 중요하므로 이 값을 많이 봅니다.

아래 그림의 상자에 세 점수가 함께 적힙니다.
"""),
    code("""
sd = datasets.load("sd_kuo2020")
train = sd[sd.split == "train"].sample(20_000, random_state=0)
test = sd[sd.split == "test"].sample(5_000, random_state=0)
ridge = BaselineRegressor("ridge").fit(train.sequence, train.fitness)
mlp = SequenceRegressor(epochs=15, n_models=1, seed=0).fit(train.sequence, train.fitness)
print(f"ridge (additive) R2 = {ridge.score(test.sequence, test.fitness):.3f}")
print(f"MLP, 1 network   R2 = {mlp.score(test.sequence, test.fitness):.3f}")
plot.observed_vs_predicted(test.fitness, mlp.predict(test.sequence), label="translation efficiency")
"""),
    md("""
그림에서 Pearson r이 Spearman ρ보다 훨씬 높은 이유는 측정값의 분포에 있습니다. 테스트 서열의 절반이 번역 효율
0.45-0.62 사이에 몰려 있고(약한 RBS), 상위 5 %만 1.4를 넘어 최대 3.1까지 길게 뻗어 있습니다(강한 RBS).
Pearson은 값의 크기를 쓰므로 멀리 떨어진 강한 RBS들을 잘 맞히면 높아집니다. Spearman은 순위만 보므로 측정값이
거의 같은 약한 서열들 사이의 순서까지 똑같은 무게로 따지는데, 모델은 그 순서를 잘 맞히지 못합니다.
"""),
    md("""
## 5' UTR → 리보솜 부하: 위치 대신 k-mer

**이 데이터는 어떻게 만들어졌을까(MPRA)?** Sample 등(2019)은 서로 다른 5' UTR 수만 개를 **올리고 풀**
(칩 위에서 한꺼번에 합성한 짧은 DNA 수만 종)로 만들어 eGFP 유전자 앞에 붙이고, mRNA로 바꿔 사람 세포
(HEK293T)에 한꺼번에 넣었습니다. 그다음 세포의 mRNA를 붙어 있는 리보솜 수에 따라 여러 분획으로 나누고
(폴리솜 프로파일링), 분획마다 UTR 부분을 차세대 시퀀싱으로 읽어 각 UTR이 어느 분획에 얼마나 있는지 셉니다.
이 분포에서 구한 평균 리보솜 수가 **평균 리보솜 부하**(MRL)입니다(높을수록 번역이 많이 됨). 수업 자료가 말한 "올리고 칩으로 합성하고
시퀀싱으로 해독한다"는 발상 그대로, 클론을 하나씩 만들지 않고 수만 개 서열을 한 번에 재는 이런 실험을
대량 병렬 리포터 분석(MPRA)이라 부릅니다. 여기서 쓰는 `human` 세트는 사람 전사체에서 가져온 UTR 7,600개입니다.

**발표된 점수와 비교할 때**: `utr_sample2019`에는 논문의 **테스트 세트**(길이 25-100 nt마다 읽힌 수가 가장 많은
100개씩, `random`과 `human` 각 7,600개)만 들어 있고, 훨씬 큰 학습용 라이브러리는 들어 있지 않습니다. 데이터의
README는 이 데이터를 다시 배포한 UTR-Insight 프로젝트의 모델 비교표를 옮겨 두었습니다. 그 큰 라이브러리로 학습한
모델들이 이 `human` 세트에서 얻은 r²(Pearson r의 제곱)는 Sample 등의 신경망 구조를 UTR-Insight가 다시 돌린
Optimus 5-Prime이 0.778, FramePool(Karollus 등, 2021. 아래에서 쓰는 모델)이 0.799, UTR-Insight 자신의 모델이
0.828입니다. 우리는 7,600개를 다시 나눠
6,080개로만 학습하므로, 아래의 R²가 이 값들보다 한참 낮은 것이 정상입니다.

5' UTR은 길이가 제각각이라 같은 위치 번호가 같은 의미를 갖지 않습니다. 상류 ATG(uAUG)나 GC 비율 같은
신호는 **k-mer 개수**로 잘 잡힙니다. k-mer 개수에 대한 그래디언트 부스팅은 빠르고 강한 기준선입니다.
"""),
    md("""
아래 출력의 `mse`(평균 제곱 오차), `rmse`(그 제곱근, MRL과 같은 단위), `mae`(평균 절대 오차)는 예측이 평균적으로
얼마나 빗나갔는지를 재고, `n`은 테스트 서열 수입니다. 그림은 잔차(측정값 − 예측값)를 UTR 길이에 따라 그린 것입니다.
"""),
    code("""
utr = datasets.load("utr_sample2019", library="human")
from biochemml.splits import split_indices
tr, _, te = split_indices(len(utr), test_size=0.2, seed=0)
gbm = BaselineRegressor("gbm-kmer").fit(utr.sequence.iloc[tr], utr.mrl.iloc[tr])
pred = gbm.predict(utr.sequence.iloc[te])
scores = metrics.regression_metrics(utr.mrl.iloc[te], pred)
print({name: round(value, 3) for name, value in scores.items()})   # 소수 셋째 자리까지
plot.residuals(utr.mrl.iloc[te], pred, x=utr.length.iloc[te], xlabel="UTR length (nt)")
"""),
    md("""
## 5' UTR → 리보솜 부하: 딥러닝(FramePool CNN)

이번에는 원-핫 서열을 그대로 받는 합성곱 신경망으로 같은 학습·테스트 세트를 풀어 봅니다. FramePool(Karollus 등,
2021)은 서열을 **개시 코돈 쪽(3' 끝)에 맞춰**(`pad="left"`) 읽고, 개시 코돈 기준 세 가지 읽기 틀(frame)마다
따로 특징을 모읍니다. 틀에 맞는 상류 ATG(uAUG)가 번역을 방해하는 것 같은 신호를 잡기 위한 구조입니다.
biochemml의 기본 설정은 여기에 필터마다 **3' 끝에서의 거리별 관문(gate)**을 더합니다. 처음에는 모든 거리에서
똑같이 열려 있다가, 데이터가 보여 주면 "이 모티프는 개시 코돈 가까이에서만 중요하다" 같은 규칙을 배웁니다.

학습을 얼마나 오래 하느냐가 결과를 크게 바꿉니다. 아래에서는 두 모델을 비교합니다.

- **3 에포크**(epoch: 학습 세트를 한 번 다 도는 것)**만** 학습한 모델(1코어에서 약 10초)
- 기본 설정대로 **끝까지** 학습한 모델: 최대 30 에포크를 돌되, 검증 손실이 5 에포크 동안 나아지지 않으면 멈추고
  검증 손실이 가장 낮았던 에포크의 가중치를 씁니다(조기 종료). 1코어에서 약 1분이 걸립니다.
"""),
    code("""
short = SequenceRegressor(model="framepool", pad="left", epochs=3, seed=0)
short.fit(utr.sequence.iloc[tr], utr.mrl.iloc[tr])
cnn = SequenceRegressor(model="framepool", pad="left", seed=0)   # 기본: 최대 30 에포크, 조기 종료
cnn.fit(utr.sequence.iloc[tr], utr.mrl.iloc[tr])
cnn_pred = cnn.predict(utr.sequence.iloc[te])
epochs_run = len(cnn.history_["loss"])
best_epoch = int(np.argmin(cnn.history_["val_loss"])) + 1
print(f"gbm-kmer baseline             R2 = {metrics.regression_metrics(utr.mrl.iloc[te], pred)['r2']:.3f}")
print(f"FramePool, 3 epochs           R2 = {short.score(utr.sequence.iloc[te], utr.mrl.iloc[te]):.3f}")
print(f"FramePool, trained to the end R2 = {metrics.regression_metrics(utr.mrl.iloc[te], cnn_pred)['r2']:.3f}"
      f"  ({epochs_run} epochs run, weights of epoch {best_epoch})")
plot.observed_vs_predicted(utr.mrl.iloc[te], cnn_pred, label="mean ribosome load")
"""),
    md("""
3 에포크만 학습한 FramePool은 k-mer 개수에 대한 그래디언트 부스팅(`gbm-kmer`)과 비슷한 수준에 머물지만, 끝까지
학습하면 R²가 크게 오릅니다. 3 에포크 모델은 2장에서 본 **과소적합**의 예입니다. 딥러닝 모델이 간단한 기준선보다
못해 보일 때는 먼저 충분히 학습했는지(검증 손실이 더 내려가지 않는지) 확인하세요. `benchmarks/RESULTS.md`에
따르면 FramePool 하나의 5-겹 교차검증 R²는 약 0.74, 두 라이브러리를 합쳐 학습한 세 개의 앙상블은 약 0.77입니다.
"""),
    md("""
## 모델이 배운 생물학, 그리고 다음에 만들 서열

Sample 등(2019)은 5' UTR 안의 **상류 AUG**(uAUG, upstream AUG)가 리보솜 부하를 크게 낮춘다는 것을 보였습니다.
5' 끝에서부터 훑어 내려가던(scanning) 리보솜이 주 ORF의 개시 코돈보다 먼저 uAUG에서 번역을 시작하면, 주 ORF까지
가는 리보솜이 줄어듭니다. 특히 uAUG가 주 ORF와 **읽기 틀이 다를 때** 효과가 큽니다. 틀이 같으면(중간에 종결 코돈이
없다면) N-말단이 조금 늘어난 단백질이 만들어질 뿐이라 효과가 작습니다.

FramePool이 이것을 배웠는지 in silico 돌연변이 분석(2장 마지막 절)으로 확인합니다. 테스트 세트에서 무작위로 뽑은
UTR 100개(길이 25-100 nt)의 모든 단일 치환을 예측하고, 치환이 ATG를 **새로 만드는** 경우, 있던 ATG를
**없애는** 경우, 그 밖의 경우로 나눠 예측 변화를 비교합니다. 데이터는 DNA 글자로 적혀 있으므로 AUG = ATG입니다.
"""),
    code("""
from biochemml.interpret import mutagenesis
from biochemml.design import evolve

sample = utr.iloc[te].sample(100, random_state=0)            # 테스트 UTR 100개, 무작위
ism = mutagenesis(cnn, sample.sequence.tolist())
subs = ism.to_frame()   # 치환 하나가 한 행: id(몇 번째 서열인지), position, reference, alternative, prediction, change, importance


def atg_start(s, i):
    # 위치 i(0부터)를 포함하는 3-mer 세 개(i-2, i-1, i에서 시작) 가운데 ATG가 시작하는 자리, 없으면 None
    return next((j for j in range(max(0, i - 2), i + 1) if s[j:j + 3] == "ATG"), None)


kind, in_frame = [], []
for row in subs.itertuples():
    seq, i = ism.sequences[row.id], row.position - 1
    mutant = seq[:i] + row.alternative + seq[i + 1:]
    before, after = atg_start(seq, i), atg_start(mutant, i)
    kind.append("creates an ATG" if after is not None and before is None else
                "removes an ATG" if before is not None and after is None else "other")
    # 주 ORF의 AUG는 UTR 바로 뒤(위치 len(seq))에서 시작: 거리가 3의 배수면 같은 읽기 틀
    in_frame.append(after is not None and (len(seq) - after) % 3 == 0)
subs["kind"], subs["in_frame"] = kind, in_frame
mean_change = {}
for k in ("creates an ATG", "removes an ATG", "other"):
    part = subs.change[subs.kind == k]
    mean_change[k] = part.mean()
    print(f"{k:15s} {len(part):5d} substitutions: mean change of predicted MRL {part.mean():+.2f}, "
          f"{np.mean(part < 0):4.0%} of them lower it")
made = subs[subs.kind == "creates an ATG"]
print(f"  new ATG in frame with the main ORF: {made.in_frame.sum():4d}, mean {made.change[made.in_frame].mean():+.2f}")
print(f"  new ATG out of frame:               {(~made.in_frame).sum():4d}, mean {made.change[~made.in_frame].mean():+.2f}")
print(f"읽는 법: ATG를 새로 만드는 치환(creates an ATG)은 예측 MRL을 평균 {mean_change['creates an ATG']:+.2f}, "
      f"있던 ATG를 없애는 치환(removes an ATG)은 평균 {mean_change['removes an ATG']:+.2f}, "
      f"나머지 치환(other)은 평균 {mean_change['other']:+.2f}만큼 바꿉니다.")
plot.mutagenesis_map(ism, index=0)
"""),
    md("""
읽는 법:

- ATG를 새로 만드는 치환은 대부분 예측 MRL을 낮추고, 있던 ATG를 없애는 치환은 MRL을 크게 올립니다. 나머지
  치환은 평균적으로 거의 영향이 없습니다. 새 ATG가 주 ORF와 다른 틀일 때 더 크게 낮아지는지도 확인하세요.
  모델이 데이터에서 uAUG의 효과를 스스로 배운 것이고, 이런 확인이 모델을 믿을 근거가 됩니다.
- 그림(0번 서열)에서 가장 진한 파랑 칸은 대개 ATG를 새로 만드는 치환입니다. 그 옆 원래 글자가 로고에서 높이
  솟아 있다면, 그 글자가 번역을 돕는다는 뜻이라기보다 **다른 글자로 바뀌면 uAUG가 생긴다**는 뜻일 수 있습니다.
  중요도는 "이 글자 대 다른 글자들"의 비교이기 때문입니다.

이제 모델에게 **다음에 만들 서열**을 물어봅니다. `evolve`는 매 라운드(기본 `rounds=10`) 모델이 가장 좋다고
예측하는 치환 하나를 받아들입니다(in silico 유도 진화; Vaishnav 등(2022)이 효모 프로모터를 이렇게 설계했습니다).
다만 시작 서열에서 최대 `max_mutations`개 위치까지만 바꿉니다. 한도에 이르면 이미 바꾼 위치만 다시 바꿀 수
있습니다. 모델은 학습한 서열 근처에서만 믿을 수 있기 때문입니다. `fixed="-3,-2,-1"`처럼 바꾸면 안 되는 위치(여기서는
개시 코돈 바로 앞 세 염기, 3' 끝부터 음수로 셈)도 지킬 수 있습니다.
"""),
    code("""
starts = utr.iloc[te].sample(5, random_state=1)           # 시작 서열 5개와 그 측정값
designs = evolve(cnn, starts.sequence.tolist(), max_mutations=3)
designs["measured_mrl"] = starts.mrl.to_numpy()
free = evolve(cnn, starts.sequence.tolist(), max_mutations=None)   # 한도 없이
designs["n_mutations_without_limit"] = free.n_mutations.to_numpy()
designs[["start", "design", "mutations", "measured_mrl", "start_prediction", "prediction",
         "n_mutations_without_limit"]]
"""),
    md("""
읽는 법:

- `mutations`의 `G12A`는 "12번 염기 G를 A로"라는 뜻입니다(1부터 셈, 바꾼 순서대로). 예측이 오른 설계가 uAUG를
  없애는 치환을 담고 있는지, 또는 개시 코돈 바로 앞 −3 자리를 A/G로 바꾸는(Kozak 서열) 치환인지 살펴보세요.
- `prediction`은 `start_prediction`(같은 모델이 시작 서열에 준 예측)과 비교하세요. 측정값(`measured_mrl`)과 직접
  비교하면 안 됩니다. 모델은 아주 좋은 UTR의 MRL을 낮게 예측하는 경향이 있습니다(위의 관측-예측 그림).
- `n_mutations_without_limit`: 한도 없이 10라운드를 돌리면 훨씬 많은 위치가 바뀝니다. 그런 서열은 모델이 본 적
  없는 서열이라 예측을 믿기 어렵습니다. `max_mutations`가 막아 주는 것이 이것입니다.
- 이 값은 어디까지나 모델의 예측이므로, 좋은 설계는 실험으로 측정해 다음 학습 데이터에 더해야 합니다. 앙상블
  모델(`n_models=5`)이면 `prediction_std`가 붙어, 설계가 모델이 배운 서열에서 얼마나 멀리 갔는지 알려 줍니다.
  명령줄에서는 `biochemml design --model RUN --data 시작서열.csv --out designs.csv`입니다.
"""),
    md("""
## 정직한 평가: 비슷한 서열이 학습에 있으면 점수가 부풀려진다

무작위로 나누면 테스트 서열과 한두 염기만 다른 서열이 학습 세트에 들어 있기 쉽습니다. 그러면 모델은
외운 것만으로도 좋은 점수를 받습니다. `similarity_split`은 학습 서열과 `max_distance` 이하로 다른
테스트 서열이 없도록 나눕니다.

`similarity_split`은 세 묶음을 돌려줍니다: 학습, 테스트, 그리고 **어느 쪽에도 쓰지 않는 서열**입니다.
테스트 서열은 서로 한 염기 차이로 이어진 덩어리(cluster)째로 뽑는데, 덩어리 가장자리에는 테스트 서열과 한 염기만
다른 서열이 남습니다. 이것을 학습에 넣으면 "1 mismatch 이내 서열 없음"이라는 조건이 깨지고, 테스트에 넣으면
테스트 크기가 정해진 값을 넘기 때문에 따로 빼 둡니다. 9 nt RBS처럼 가능한 서열(4^9개)을 촘촘히 잰 데이터에서는
이 몫이 꽤 큽니다.

그래서 유사도 분할의 학습 세트는 무작위 분할보다 작아집니다. 학습 서열 수가 다르면 점수 차이가 "비슷한
서열이 있었는가" 때문인지 "데이터가 더 많았는가" 때문인지 알 수 없으므로, 무작위 분할의 학습 세트도 같은
수만큼 뽑아 줄인 뒤 비교합니다.
"""),
    code("""
from biochemml.evaluation import similarity_split
subset = sd.sample(20_000, random_state=1).reset_index(drop=True)
far_tr, far_te, left_out = similarity_split(subset.sequence, test_size=0.2, max_distance=1, seed=0)
rand_tr, _, rand_te = split_indices(len(subset), test_size=0.2, seed=0)
rand_tr = np.random.default_rng(0).choice(rand_tr, size=len(far_tr), replace=False)  # 같은 학습 크기
print(f"similarity split: train {len(far_tr)}, test {len(far_te)}, used for neither {len(left_out)}")
print(f"random split:     train {len(rand_tr)} (subsampled to the same size), test {len(rand_te)}")


def test_r2(train_idx, test_idx):
    model = BaselineRegressor("gbm-onehot").fit(subset.sequence[train_idx], subset.fitness[train_idx])
    return model.score(subset.sequence[test_idx], subset.fitness[test_idx])


near, far = test_r2(rand_tr, rand_te), test_r2(far_tr, far_te)
print(f"random split R2 {near:.3f}  vs  no test sequence within 1 mismatch of training: R2 {far:.3f}")
"""),
    md("""
학습 크기를 맞췄으므로, 무작위 분할의 점수가 더 높은 것은 테스트 서열과 거의 같은 서열이 학습 세트에 있었던
덕분일 가능성이 큽니다. 다만 이 차이를 모두 그 때문이라고 단정할 수는 없습니다. 두 점수는 분할 한 번(seed 하나)에서
얻은 값이라 오차 범위를 모르고, 두 테스트 세트는 구성도 다릅니다(유사도 분할은 테스트 서열을 덩어리째 뽑으므로,
무작위로 뽑은 테스트 세트와 서열의 종류가 다를 수 있습니다). 확실히 말하려면 seed를 바꿔 여러 번 반복하고 차이가
얼마나 흔들리는지 보아야 합니다.

그래도 원칙은 같습니다. 이미 잰 서열과 한두 염기만 다른 변이를 예측할 때는 무작위 분할의 점수를, 아직 아무도
재지 않은 새 서열 영역을 설계할 때는 유사도 분할의 점수를 기대하는 것이 정직합니다.
"""),
    md("""
## 단백질 서열 → 발현량: GFP 변이체의 형광 밝기

Sarkisyan 등(2016)은 해파리의 녹색 형광 단백질(avGFP) 유전자에 무작위로 돌연변이를 넣어 변이체 5만여 개를 만들고,
대장균에서 발현시킨 세포의 형광을 FACS로 재어 밝기 구간별로 나눈 뒤 시퀀싱으로 각 변이체의 밝기(log10 형광)를
구했습니다. 앞의 5' UTR 데이터처럼 서열을 한꺼번에 만들어 시퀀싱으로 읽는 실험입니다. 다만 이 밝기는 단백질이
얼마나 만들어졌는지(발현량)에 더해 제대로 접혀 빛을 내는지까지 합친 값이라, 순수한 발현량과 같지는 않습니다.

변이체는 모두 길이 237 아미노산으로 같고 몇 자리만 다른 **변이체 라이브러리**입니다. 그래서 서열 전체를 CNN에
넣기보다, 돌연변이 목록(`SA108D:SN144D`: 108번 A를 D로, 144번 N을 D로. 앞의 S는 이 데이터의 표기이고, 번호는
첫 메티오닌을 뺀 서열에서 0부터 셉니다)을 그대로 받는 biochemml의 단백질 변이체 모델(`biochemml.protein`, 5장에서도
씁니다)을 씁니다. 여기서는 가장 간단한 **가산 모델**(`"additive"`)입니다. 치환마다 효과 하나를 배우고, 변이체의
값은 그 효과들의 합으로 봅니다(원-핫에 대한 릿지 회귀).

분할은 TAPE(Rao et al. 2019)의 관례를 따릅니다. 돌연변이가 3개 이하인 변이체로 학습하고, 4개 이상인 변이체
27,217개로 평가합니다. "돌연변이가 적은 변이체에서 배운 효과로, 여러 돌연변이가 겹친 변이체의 밝기를 맞힐 수
있는가"를 묻는 분할입니다. 빠르게 돌도록 학습 변이체 26,808개 가운데 10,000개만 씁니다(1코어에서 몇 초).
"""),
    code("""
from biochemml.protein import build_variant_model

gfp = datasets.load("avgfp")
gfp_wildtype = datasets.wildtype("avgfp")                  # 237 aa, 첫 메티오닌 제외
print(gfp[["variant", "num_mutations", "brightness", "split"]].head())
gfp_train = gfp[gfp.split == "train"].sample(10_000, random_state=0)   # 돌연변이 0-3개
gfp_test = gfp[gfp.split == "test"]                                     # 돌연변이 4개 이상
additive = build_variant_model("additive", gfp_wildtype, offset=0, seed=0)   # offset=0: 0부터 센 번호
additive.fit(gfp_train.variant, gfp_train.brightness)
gfp_pred = additive.predict(gfp_test.variant)
gfp_scores = metrics.regression_metrics(gfp_test.brightness, gfp_pred)
print(f"additive model on {len(gfp_test)} variants with 4+ mutations: "
      f"Spearman {gfp_scores['spearman']:.3f}, R2 {gfp_scores['r2']:.3f}")
print(f"predicted log10 brightness {gfp_pred.min():.2f} to {gfp_pred.max():.2f}; "
      f"measured {gfp_test.brightness.min():.2f} to {gfp_test.brightness.max():.2f}")
plot.observed_vs_predicted(gfp_test.brightness, gfp_pred, label="log10 brightness")
"""),
    md("""
읽는 법:

- **순위는 꽤 맞힙니다.** Spearman 약 0.68은 데이터의 README가 적은 발표값(TAPE의 Transformer 0.68, LSTM 0.67)과
  같은 수준입니다. `benchmarks/RESULTS.md`에서도 학습 변이체 전체를 쓴 가산 모델이 0.684로, 더 복잡한 모델(그래프
  신경망 0.641, 구조를 쓴 부스팅 0.621)보다 높았습니다.
- **R²는 음수입니다.** 그림에서 보듯 측정값은 약 1.3(형광이 꺼진 어두운 변이체) 아래로 내려가지 않는데, 가산 모델은
  해로운 돌연변이가 겹칠수록 효과를 계속 빼서 그보다 훨씬 낮은 값을 예측합니다. 측정값도 그림에서처럼 어두운
  무리(1.3-2)와 밝은 무리(3-4)로 뚜렷이 나뉩니다. Sarkisyan 등은 이 모양을, 돌연변이들의 효과가 더해지다가 어떤 문턱을 넘으면
  단백질이 제대로 접히지 못해 형광이 꺼지는 **문턱 모양의 상위성**(epistasis, 돌연변이 사이의 상호작용)으로 설명했습니다.

아래는 그 문턱을 가장 단순하게 흉내 내어, 예측을 학습 데이터에서 잰 밝기 범위 안으로 잘라 본 것입니다. 돌연변이
수에 따라 순위를 얼마나 맞히는지도 나눠 봅니다.
"""),
    code("""
clipped = np.clip(gfp_pred, gfp_train.brightness.min(), gfp_train.brightness.max())
for name, values in [("additive", gfp_pred), ("additive, clipped to the measured range", clipped)]:
    s = metrics.regression_metrics(gfp_test.brightness, values)
    print(f"{name:40s} R2 {s['r2']:6.3f}, Spearman {s['spearman']:.3f}")
groups = np.minimum(gfp_test.num_mutations, 8).to_numpy()      # 8개 이상은 한 묶음
for k in np.unique(groups):
    part = groups == k
    rho = metrics.regression_metrics(gfp_test.brightness[part], gfp_pred[part])["spearman"]
    print(f"{k}{'+' if k == 8 else ' '} mutations: {part.sum():5d} variants, Spearman {rho:.3f}")
"""),
    md("""
- 예측을 측정 범위로 자르기만 해도 R²가 크게 오릅니다. 순서는 거의 그대로라 Spearman은 조금밖에 달라지지 않습니다.
  모델이 돌연변이의 효과를 크게 잘못 배운 것이 아니라, 밝기가 효과의 합을 **선형으로 따르지 않는다**(문턱에서 포화된다)는 것이 문제였다는 뜻입니다.
- 돌연변이가 많을수록 순위를 맞히기 어렵습니다. 학습에서 본 적 없는 조합이 늘어나고, 문턱 근처에서는 돌연변이
  하나가 밝기를 크게 바꾸기 때문입니다.
- 더 나아가려면 가산 모델 위에 문턱 모양의 함수를 배우는 모델이나 신경망(`build_variant_model("mlp", ...)`,
  `"auto"`)을 쓸 수 있습니다. 다만 이 데이터에서는 `benchmarks/RESULTS.md`의 측정으로 `"auto"`가 고른 MLP가 1코어에서
  14분 넘게 걸리고도 Spearman 0.677로 가산 모델(0.684)보다 낫지 않았으므로, 이 노트북에서는 돌리지 않습니다.
  명령줄에서 같은 일을 하는 법(`biochemml train --task protein-variant ...`)은 README.ko.md의 "단백질: 변이체, 구조,
  활성" 절에 있습니다.
"""),
    md("""
## 내 실험 데이터 모으기: 시퀀싱 리드에서 값 표까지

수업 자료는 이런 데이터를 직접 모으는 방법으로, 서열 라이브러리를 **올리고 풀**(칩에서 한꺼번에 합성한 올리고
수천-수만 종)로 만들어 클로닝하고, 형광을 잰 세포들이 어떤 서열을 가졌는지를 **Oxford Nanopore**(MinION 등)
시퀀싱으로 한꺼번에 읽는 방법을 소개합니다. 콜로니를 하나씩 키워 Sanger 시퀀싱을 하지 않아도 되는 것이 장점입니다.
예를 들어 세포를 형광 세기에 따라 몇 개의 구간(bin)으로 나누고, 구간마다 라이브러리 부분을 시퀀싱합니다.

시퀀서가 내놓는 것은 표가 아니라 수십만-수백만 개의 **리드**(read: DNA 조각 하나를 읽은 염기 서열)입니다.
리드가 모델에 넣을 표가 되기까지는 보통 세 단계를 거칩니다.

1. **리드 → 변이체**: 리드마다 UTR(또는 바코드) 부분을 찾아, 설계한 서열 목록 가운데 어느 것인지 정합니다.
   나노포어 리드는 염기 오류가 비교적 많으므로, 설계한 목록과 대조(정렬)해 가장 가까운 서열로 배정하는 것이 보통입니다.
2. **변이체별 개수 세기**: 구간(또는 분획, 선택 전후 표본)마다 변이체별 리드 수를 셉니다.
3. **개수 → 값**: 구간별 비율로 가중 평균을 내면 발현량 같은 값이 되고(위의 MRL도 폴리솜 분획별 개수에서 이렇게
   구합니다), 선택 전후 개수의 비는 농축도가 됩니다(5장의 fitness). 리드 수가 너무 적은 변이체는 값이 불안정하므로
   빼거나 가중치를 낮춥니다.

그 결과가 이 장에서 쓴 것과 같은 **값 표**(서열 한 열 + 측정값 한 열)입니다. **biochemml은 이 값 표에서
시작합니다.** 리드를 읽고 정렬하고 세는 일(basecalling, 정렬, 개수 세기)은 biochemml이 하지 않으므로, 정렬 도구나
시퀀싱 시설의 분석 파이프라인으로 표를 만든 뒤 가져오세요. 변이체별 리드 수를 함께 적어 두면 가중치로 쓸 수
있습니다(`biochemml train --weight-column reads`, 파이썬에서는 `fit(..., sample_weight=reads)`).
"""),
]

CH4 = [
    md("""
# 4장. 배양 조건 → 생산량, 그리고 다음 실험 추천

JBEI의 플라비올린 배지 최적화 데이터(Pseudomonas putida, 12개 배지 성분, 5번의 설계 주기)로
가우스 과정(GP) 모델을 만들고, 베이즈 최적화로 다음 배양 조건을 추천받습니다. 실험 수가 수십 개뿐일 때는
예측값뿐 아니라 **얼마나 확신하는지**(불확실성)가 중요합니다.

아래 첫 표는 각 성분의 농도 범위(하한·상한, 단위 **mM**)이고, 두 번째 표는 주기마다 배양 수(`count`), 시험한
배지 수(`media`), 배지 하나를 몇 번 반복해 배양했는지(`replicates`), 그리고 생산량(OD340, 플라비올린의 흡광도)의
평균·최댓값입니다. 주기마다 48번을 배양했는데, 1-2주기는 배지 12가지를 4번씩, 3-5주기는 16가지를 3번씩
배양했습니다(모두 240번). 같은 배지의 반복 배양 값이 서로 얼마나 다른지가 곧 측정 잡음의 크기입니다.

**수업 계획과의 관계**: 수업 계획의 생물반응기 사례는 "반응기 운전 조건(온도, pH, 피드 등) → 단백질 생산량"입니다.
이 노트북의 데이터는 "배지 조성(12개 성분의 농도) → 플라비올린(색소 화합물) 생산량(OD340)"이라, 입력과 생산물이
다릅니다. 그래도 표의 모양(조건 열 여러 개 + 생산량 열 하나)이 같으므로, 아래 도구(`Factors`, `ConditionModel`,
`recommend`, `replay`)를 운전 조건 → 단백질 생산량 데이터에도 그대로 쓸 수 있습니다.

운전 조건으로 직접 해 보는 실습은 이 노트북의 마지막 절에 있습니다. biochemml에 들어 있는 가상 대장균 반응기
`EColiFedBatch`(설치할 것 없음)로 온도, pH, 유도 시점, IPTG 농도, 포도당 공급 속도를 바꿔 가며 단백질 생산량을
높입니다. 더 정교한 공개 시뮬레이터로 해 보고 싶다면 가상 반응기 `InsilicoCHO`를 쓰세요. 공개 시뮬레이터 insilicho로
CHO 세포의 12일 유가식(fed-batch) 배양과 항체 생산을 흉내 냅니다. 운전 조건 5개(피드 속도, 피드 시작 시각, 온도
변경 전·후의 온도, 온도를 바꾸는 시각)를 받아 최종 항체 농도(mg/L)를 돌려주며, 배양 한 번에 1초도 걸리지
않습니다. 따로 설치해야 하므로 이 노트북에서는 실행하지 않습니다. 설치는 README와 같이 biochemml 폴더에서 두 줄로
합니다(Windows 기준. Linux와 macOS에서는 `.venv\\Scripts\\pip` 대신 `.venv/bin/pip`).

```bat
.venv\\Scripts\\pip install -e ".[sims]"
.venv\\Scripts\\pip install --no-deps pensimpy insilicho
```

필요한 다른 패키지(pint, numba)는 첫 줄의 `[sims]`가 설치합니다. insilicho를 이렇게 설치한 뒤 pip로 무언가를 다시
설치하면(첫 줄을 다시 실행하거나 `pip install jupyterlab` 등) `ERROR: pip's dependency resolver does not currently take
into account all the packages that are installed. ... insilicho ... requires numpy==1.23.5, ...` 같은 빨간 메시지가 나올
수 있습니다. 예상된 메시지이고 무시해도 됩니다. insilicho는 요구 조건에 옛 numpy 버전을 적어 두었는데, 그 버전으로
바꾸지 않고 지금 설치된 numpy를 그대로 쓰도록 `--no-deps`로 설치했기 때문에 pip가 "요구 조건과 다르다"고 알려 주는
것일 뿐, 설치는 제대로 끝난 것입니다. 쓰는 법은 이렇습니다.

```python
from biochemml.bioprocess import design, recommend
from biochemml.bioprocess.simulators import InsilicoCHO

cho = InsilicoCHO(seed=0)                                # 가상의 세포주 하나
runs = design(cho.factors, n=12, method="lhs", seed=0)   # 운전 조건 12가지(라틴 하이퍼큐브 설계)
runs["titer"] = cho.run(runs)                            # 가상 배양: 최종 항체 농도(mg/L)
recommend(runs, cho.factors, "titer", batch=4, seed=0)   # 다음에 해 볼 조건 4가지
```
"""),
    code("""
%matplotlib inline
import numpy as np
import pandas as pd
from biochemml import datasets
from biochemml.bioprocess import Factors, ConditionModel, recommend, replay
from biochemml.bioprocess.plots import parity_plot

runs = datasets.load("flaviolin")
factors = Factors.from_file(datasets.flaviolin_bounds(return_path=True))
bounds = pd.DataFrame([(f.name, f.low, f.high) for f in factors.factors],
                      columns=["factor", "low (mM)", "high (mM)"])
print(bounds.to_string(index=False, float_format="%.3g"))   # 유효숫자 3자리
per_cycle = runs.groupby("cycle").OD340.describe()[["count", "mean", "max"]]
per_cycle.insert(1, "media", runs.groupby("cycle").well.nunique())          # well = 배지 하나
per_cycle.insert(2, "replicates", runs.groupby(["cycle", "well"]).size().groupby("cycle").max())
per_cycle
"""),
    md("""
## 불확실성을 알려 주는 모델

처음 두 주기(라틴 하이퍼큐브 설계)로 GP를 학습하고, 세 번째 주기의 배지를 예측해 봅니다. 예측
평균과 함께 표준편차가 나오며, 95 % 구간이 실제 측정값을 얼마나 덮는지 확인합니다.

`observation_noise=True`를 꼭 주세요. 기본값은 **평균 생산량**이 얼마나 불확실한지만 알려 주는데,
우리가 비교하는 것은 측정 잡음(같은 배지라도 배양마다 달라지는 값)이 섞인 **실제 측정값**이라
잡음까지 넣은 구간이어야 공정한 비교가 됩니다.
"""),
    code("""
names = factors.names                       # the 12 medium components
first = runs[runs.cycle <= 2]
third = runs[runs.cycle == 3]
gp = ConditionModel(kind="gp", factors=factors, seed=0).fit(first[names], first.OD340)
mean, std = gp.predict(third[names], return_std=True, observation_noise=True)
inside = np.abs(third.OD340 - mean) <= 1.96 * std
print(f"cycle 3: 95% intervals cover {inside.mean():.0%} of the measured titers")
"""),
    md("""
## 다음 실험 4개 추천: 2주기를 막 끝낸 시점으로 돌아가 보기

`recommend`는 넘겨준 실험 결과로 GP를 학습하고, 기대 개선량(qLogNEI)이 가장 큰 배지 조성 4개를
한꺼번에 제안합니다. 각 제안에는 예측 평균, 표준편차(평균의 불확실성), 획득 함수 값이 붙습니다.

여기서는 **2주기를 막 끝낸 시점**인 것처럼 1-2주기 결과(`first`)만 넘깁니다. 그래야 제안의 예측을 실제로
그다음에 잰 3주기 결과와 견주어 볼 수 있습니다. 실제 캠페인의 3주기는 다른 방법(ART)이 추천한 배지였으니
우리 제안을 직접 잰 값은 아니지만, "다음 주기에 어느 정도까지 오를 수 있었나"의 기준이 됩니다. 지금 이
데이터로 6주기 실험을 고르려면 5주기까지의 결과 전체(`runs`)를 넘기면 됩니다. 표의 배지 성분 값은 모두
mM입니다.

`acquisition`은 **기대 개선량의 자연로그**입니다. 개선량이 1보다 작으니 로그는 음수가 되며, 0에 가까울수록
좋은 제안입니다. 예를 들어 -3.2는 지금까지의 최고값보다 평균 e^-3.2 ≈ 0.04(OD340 단위)만큼 나아질 것으로
기대한다는 뜻입니다. 미량 원소는 농도가 아주 작으니 반올림 대신 유효숫자 3자리로 보여 줍니다.
"""),
    code("""
proposals = recommend(first, factors, "OD340", batch=4, seed=0)   # 2주기 직후의 추천
# 지금의 다음 실험(6주기)이라면: recommend(runs, factors, "OD340", batch=4, seed=0)
proposals["expected_gain"] = np.exp(proposals["acquisition"])   # OD340 단위
print(proposals.T.to_string(float_format="%.3g"))
print()
# the best so far, as recommend reads it: the best condition's mean over its replicates
best_so_far = first.groupby([f.name for f in factors.varied])["OD340"].mean().max()
print(f"best OD340 in cycles 1-2: {best_so_far:.3f} (best condition, mean of its replicates; "
      f"best single culture {first.OD340.max():.3f})")
print(f"our proposals, predicted mean:     {proposals.predicted_mean.min():.3f}-"
      f"{proposals.predicted_mean.max():.3f} (95% upper {proposals.upper_95.max():.3f})")
print(f"cycle 3 as measured (ART's media): best {third.OD340.max():.3f}, mean {third.OD340.mean():.3f}")
print()
reach = proposals.upper_95 >= best_so_far
for name, row in proposals.iterrows():
    print(f"proposal {name}: predicted {row.predicted_mean:.3f} ({row.predicted_mean - best_so_far:+.3f} vs the best), "
          f"95% upper {row.upper_95:.3f} " + ("reaches the best" if reach[name] else "stays below the best"))
if reach.all():
    print(f"읽는 법: 제안 {len(proposals)}개 모두 95 % 구간의 위쪽 끝이 지금까지의 최고값 "
          f"{best_so_far:.3f} 이상입니다.")
else:
    print(f"읽는 법: 제안 {len(proposals)}개 중 {int(reach.sum())}개는 95 % 구간의 위쪽 끝이 지금까지의 "
          f"최고값 {best_so_far:.3f} 이상이고, {int((~reach).sum())}개"
          f"(제안 {', '.join(str(n) for n in proposals.index[~reach])})는 위쪽 끝조차 최고값에 못 미칩니다.")
"""),
    md("""
제안을 그대로 실험하기 전에, 출력된 예측을 그때까지의 최고값과 견주어 읽어 보세요.

- 예측 평균이 최고값 근처이고 95 % 구간의 위쪽 끝이 최고값보다 높은 제안은 "지금 최고와 비슷하거나 더 나을 수도
  있는" 배지입니다. 예측 평균만 보면 개선이 작아 보여도, 불확실한 쪽(구간의 위쪽)을 노리는 탐색이 값어치가 있다는
  것이 베이즈 최적화의 발상입니다.
- 예측 평균이 최고값보다 한참 낮고 구간의 위쪽 끝도 최고값에 닿지 않는 제안은 개선을 기대하기 어렵습니다. 이런
  제안은 `acquisition`이 0에서 한참 먼 음수(예: −10이면 e^−10 ≈ 0.00005)이고 `expected_gain`이 사실상 0입니다. `recommend`는 배치를 한 번에
  한 실험씩, 앞서 고른 실험을 고려하며 채워 이런 제안이 끼지 않게 합니다(네 실험을 한꺼번에 최적화하던 예전
  방식에서는 이 데이터에서 네 개 중 하나가 이런 제안이었습니다). 그래도 이런 제안이 보이면, 실험 자원을 쓰기
  전에 빼거나 다른 조건으로 바꾸세요.

실제 3주기(ART가 추천한 배지)에서는 그때까지의 최고값을 넘는 배지가 나왔습니다(위 출력의 `cycle 3` 줄).
"""),
    md("""
## 되돌아보기(replay): 이전 주기만으로 다음 주기를 얼마나 맞혔을까?
"""),
    code("""
summary, predictions = replay(runs, factors, "OD340", cycle="cycle")
summary
"""),
    md("""
세 번째 주기의 구간 포함률(`coverage`)은 위에서 측정 잡음을 넣어 계산한 값과 같은 분할이라 같은 값입니다.

**불확실성을 얼마나 믿을 수 있을까?** 95 % 구간이 정직하다면 새 측정값의 약 95 %를 덮어야 합니다. 2-3주기는
그렇지만, 4-5주기에서는 `coverage`가 95 %에 한참 못 미칩니다. 추천을 따라 이전 주기가 거의 가 보지 않은 새
조성 영역으로 갈수록 모델은 외삽을 하게 되고, 그때 GP의 구간은 실제보다 좁게, 곧 **과신**하게 나옵니다.
그러니 불확실성은 "어느 조건이 더 불확실한가"를 비교하는 데는 쓸모 있지만, 학습 데이터에서 먼 조건의 구간은
실제보다 좁을 수 있다고 보고, 중요한 결정 전에는 반복 측정으로 확인하는 것이 좋습니다.

네 번째 주기의 R²가 음수인 것은 **주기 전체의 수준이 어긋났기** 때문입니다. 아래에서 보듯 1-3주기로 배운
모델은 4주기를 평균 약 0.37로 예측했지만 실제 평균은 약 0.47이었고, 이 차이(0.1)가 4주기 안의 값의 폭
(표준편차 약 0.08)보다 큽니다. 게다가 순위도 맞히지 못했습니다(Spearman 음수). R²는 "그 주기의 평균값
하나로 모두 찍는 것"과 비교하는 점수라, 예측이 통째로 어긋나면 0보다 낮아집니다. 주기(배치)마다 달라지는
실험 조건처럼 모델이 모르는 요인이 있다는 신호입니다.
"""),
    code("""
for c, p in predictions.groupby("cycle"):
    covered = np.abs(p.observed - p["mean"]) <= 1.96 * p["std"]
    print(f"cycle {c}: measured mean {p.observed.mean():.3f} (SD {p.observed.std():.3f}), "
          f"predicted mean {p['mean'].mean():.3f}; 95% intervals cover {covered.mean():.0%}")
parity_plot(predictions, response="OD340")
"""),
    md("""
## 운전 조건 → 단백질 생산량: 가상 대장균 반응기에서 직접 최적화해 보기

수업 계획의 사례(반응기 운전 조건 → 단백질 생산량)를 biochemml에 들어 있는 가상 반응기 `EColiFedBatch`로 직접
해 봅니다. 설치할 것이 없고 배양 한 번이 0.01초 안팎이면 끝납니다. IPTG로 유도하는 대장균 유가식(fed-batch) 배양에서
재조합 단백질을 만드는 과정을 교과서 수준의 식 몇 개로 흉내 낸 **교육용 모델**입니다. 실제 균주로 검증한 모델이
아니므로, 여기서 찾은 최적 조건을 실제 공정에 그대로 옮기면 안 됩니다.

| 인자 | 범위 | 뜻 |
| --- | --- | --- |
| `temperature` | 18-37 °C | 유도한 뒤의 배양 온도(유도 전에는 37 °C) |
| `pH` | 6.4-7.6 | 배양액의 pH |
| `induction_od` | 5-100 | 세포가 이 OD600에 이르면 IPTG를 넣어 유도(늦어도 20시간째에는 유도) |
| `iptg` | 0.01-1 mM | 유도에 쓰는 IPTG 농도(로그 척도로 탐색) |
| `feed_rate` | 1-20 g/L/h | 처음 넣은 포도당이 떨어지면 4시간에 걸쳐 이 속도까지 올리는 포도당 공급 속도(유도 뒤에는 느려진 성장에 맞춰 줄임) |

배양은 30시간째에 수확하고, 결과는 **수용성 단백질 농도(mg/L)** 입니다. 모델 안에는 실제 실험에서도 만나는
상충 관계(trade-off)가 들어 있습니다.

- 온도가 높으면 빨리 자라고 많이 만들지만, 30 °C를 넘으면 단백질이 제대로 접히지 못하고 봉입체(inclusion body)로
  뭉칩니다. 낮으면 잘 접히지만 느립니다.
- IPTG가 적으면 발현이 약하고, 많으면 대사 부담(metabolic burden)으로 성장이 느려집니다.
- 포도당을 너무 빨리 주면 호흡으로 다 쓰지 못한 포도당이 아세트산이 되어 성장과 발현을 억제합니다(overflow
  대사). 너무 적게 주면 세포가 충분히 자라지 못합니다.
- 일찍 유도하면 생산할 세포가 적고, 늦게 유도하면 생산할 시간이 짧습니다.

측정값에는 배양마다 약 5 %의 잡음이 섞입니다(같은 조건을 두 번 돌려도 값이 조금 다릅니다). 먼저 라틴 하이퍼큐브로
12가지 조건을 설계해 첫 주기를 "배양"합니다.
"""),
    code("""
from biochemml.bioprocess import design
from biochemml.bioprocess.simulators import EColiFedBatch

plant = EColiFedBatch(seed=0)                                    # 가상의 균주 하나(seed가 같으면 같은 균주)
campaign = design(plant.factors, n=12, method="lhs", seed=0)     # 첫 주기: 조건 12가지
campaign["titer"] = plant.run(campaign)                          # 가상 배양: 수용성 단백질(mg/L)
campaign["cycle"] = 1
print(campaign.round(2).to_string())
"""),
    md("""
이제 한 주기에 4개씩, 세 주기 동안 `recommend`로 다음 조건을 고르고 가상 배양으로 "측정"합니다. 주기마다 그때까지의
결과 전체로 GP를 다시 학습합니다. 비교를 위해, 모델 없이 같은 수(12개)의 조건을 무작위로 골라 돌린 경우도 봅니다.

실험 수가 적을 때 `recommend`는 "구간을 너무 믿지 말라"는 주의(`CampaignWarning`)를 냅니다. 여기서는 이미 알고
있으니 숨깁니다. 내 데이터로 할 때는 숨기지 말고 읽어 보세요.
"""),
    code("""
import warnings
from biochemml.errors import CampaignWarning
from biochemml.bioprocess.plots import convergence_plot

random_runs = design(plant.factors, n=12, method="random", seed=1)   # 비교: 무작위 조건 12개
random_titer = plant.run(random_runs)
for cycle in (2, 3, 4):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CampaignWarning)
        proposals = recommend(campaign, plant.factors, "titer", batch=4, seed=cycle)
    new = proposals[plant.factors.names].copy()
    new["titer"] = plant.run(new)
    new["cycle"] = cycle
    print(f"cycle {cycle}: predicted {proposals.predicted_mean.round().astype(int).tolist()}, "
          f"measured {new.titer.round().astype(int).tolist()} mg/L")
    campaign = pd.concat([campaign, new], ignore_index=True)
print("best titer so far after each cycle (mg/L):",
      campaign.groupby("cycle").titer.max().cummax().round().astype(int).tolist())
print(f"12 more runs chosen by the model: best {campaign.titer[12:].max():.0f} mg/L; "
      f"12 more at random: best {random_titer.max():.0f} mg/L")
print(campaign.sort_values("titer", ascending=False).head(3).round(2).to_string())
print("cycle 4:")
print(campaign[campaign.cycle == 4].round(2).to_string())
convergence_plot({"Bayesian optimisation (recommend)": [campaign.titer.cummax()],
                  "the same 12 + 12 random runs": [np.maximum.accumulate(
                      np.r_[campaign.titer[:12], random_titer])]},
                 title="Virtual E. coli fed batch: best titer so far (runs 1-12 shared)",
                 ylabel="best soluble protein so far (mg/L)")
"""),
    md("""
읽는 법:

- 첫 12개(1주기)의 최고값은 약 450 mg/L였습니다. 모델이 고른 12개는 주기마다 최고값을 올려 약 1,070 mg/L에
  이르렀고, 같은 수의 무작위 조건은 약 520 mg/L에 그쳤습니다. 조건이 5개(5차원)만 되어도 무작위로 좋은 조건을
  만나기는 어렵습니다.
- 예측(`predicted`)과 측정(`measured`)을 견주어 보세요. 4주기에는 약 1,000 mg/L로 예측한 조건 셋이 75-170 mg/L에
  그쳤습니다. 마지막 표(4주기)를 보면 모두 pH를 범위의 끝(6.4나 7.5)으로 옮긴 조건입니다. 1주기에도 pH 6.4나
  7.5인 배양은 있었지만 다른 조건이 나빴으므로, 좋은 조건과 함께라면 pH 끝도 괜찮을지 모델이 "혹시" 하고 탐색한
  것입니다. 이 실패한 측정값이 모델을 고칩니다: 한 주기 더 돌리면 모델은 "pH는 7 근처가 좋다"는 것을 압니다.
  베이즈 최적화는 모르는 곳을 일부러 찔러 보므로, 주기마다 몇 개는 이렇게 빗나가는 것이 정상입니다.
- 가장 좋은 조건은 낮은 온도(약 23 °C: 잘 접히는 쪽), pH 7 근처, 늦은 유도, 많은 IPTG, 중간 정도의 포도당 공급
  (약 9 g/L/h)이었습니다. 유도 OD(100)와 IPTG(1 mM)는 **탐색 범위의 끝**에 붙어 있습니다. 범위 끝의 최적점은
  "범위를 넓혀야 하는가"를 따져 볼 신호이지만, 그 인자가 정말 중요한지부터 확인해야 합니다. 가상 반응기에서는
  잡음 없는 "참값"을 바로 볼 수 있으니, 가장 좋은 조건에서 한 인자씩 바꿔 봅시다.
"""),
    code("""
truth = EColiFedBatch(seed=0, noise=0.0)                # 같은 균주, 측정 잡음 없이
best = campaign.loc[campaign.titer.idxmax(), plant.factors.names]
for name, values in [("iptg", [0.05, 0.1, 0.3, 0.5, 1.0]),
                     ("induction_od", [40, 60, 80, 100]),
                     ("feed_rate", [6, 9, 12, 16, 20])]:
    rows = pd.DataFrame([{**best, name: v} for v in values])
    print(f"{name:13s}", "  ".join(f"{v:g}: {t:.0f}" for v, t in zip(values, truth.run(rows))),
          "mg/L")
"""),
    md("""
- IPTG는 0.3 mM부터 1 mM까지 참값이 거의 같습니다(차이가 측정 잡음 5 %보다 작음). 모델이 1 mM을 고른 것은 잡음
  때문일 수 있고, 실제라면 IPTG를 아껴 0.3-0.5 mM을 쓰는 편이 낫습니다.
- 유도 OD도 80과 100이 같습니다. 이 반응기는 늦어도 20시간째에 유도하므로, OD 80 이상이면 유도 시점이 같아지기
  때문입니다. 범위를 넓혀도 얻을 것이 없습니다.
- 포도당 공급은 12 g/L/h 근처가 가장 좋고, 그보다 많으면 떨어지다가 20에서는 거의 바닥입니다. 세포가 호흡으로 다 쓰지 못한 포도당이
  아세트산이 되어 쌓이기 때문입니다(overflow 대사). 이런 "절벽" 근처는 잡음 때문에 모델이 잘못 짚기 쉬우니,
  실제 공정에서는 최적점보다 조금 안쪽을 고르는 것이 안전합니다.
- 실제 실험에서는 참값을 볼 수 없으므로, 범위 끝이나 절벽 근처의 조건은 반복 배양으로 확인합니다.
- 이 반응기는 `seed`마다 조금 다른 균주입니다. `EColiFedBatch(seed=1)`로 바꾸거나, 첫 주기를 6개로 줄이거나,
  `batch`를 바꿔 가며 다시 돌려 보세요. 명령줄에서는 `plant.run(...)` 대신 실제 배양 결과를 표에 적고
  `biochemml recommend`를 씁니다(README.ko.md의 "생물반응기 실험: 조건 → 생산 농도, 그리고 다음에 할 실험" 절).
"""),
]


CH5 = [
    md("""
# 5장. 단백질 구조 → 활성: TEM-1 β-락타마제

수업의 첫 번째 응용 분야인 "단백질 구조 → 활성"을 실제 데이터로 해 봅니다. TEM-1은 암피실린 같은
페니실린계 항생제를 분해해 세균을 내성으로 만드는 효소입니다. Stiffler 등(2015)은 이 효소의 거의 모든
단일 아미노산 치환(4,996개)을 만들고, 높은 암피실린 농도(2,500 µg/mL)에서 세균이 얼마나 잘 자라는지로
각 변이체의 활성(fitness)을 쟀습니다. 구조는 AlphaFold 모델을 씁니다.

이 노트북에서 할 일은 세 가지입니다.

1. 구조를 **거리 지도**(이미지)와 **잔기 그래프**(네트워크)로 바꾸기
2. 서열 정보만 쓰는 모델과 구조 정보를 함께 쓰는 모델을, **한 번도 측정하지 않은 위치**에서 비교하기
3. 위치별 효과를 그림으로 보기
"""),
    code("""
%matplotlib inline
import numpy as np
from scipy.stats import spearmanr
from biochemml import datasets as D, structure, metrics
from biochemml.protein import apply_mutations, build_variant_model

tem1 = D.load("tem1")
wildtype = D.wildtype("tem1")          # 286 aa, 변이 위치는 1부터 셉니다(offset=1)
print(len(tem1), "variants;", len(wildtype), "residues")
tem1[["mutant", "position", "wt_aa", "mt_aa", "2500", "split_position"]].head()
"""),
    md("""
**fitness 값 읽기**: 열 이름 `0`, `39`, …, `2500`은 선택에 쓴 암피실린 농도(µg/mL)이고, 여기서는 가장 엄격한
`2500` 열을 예측합니다. 데이터의 README는 이 값을 **상대 농축도**(relative enrichment)라고 설명합니다. 항생제 선택
전후로 그 변이체를 가진 세포의 비율이 얼마나 변했는지를 나타내는 값으로, 0 근처면 야생형처럼 살아남고 음수일수록
덜 살아남습니다. 아래에서 보듯 항생제가 없는 `0` 열은 거의 모두 0 근처이고(선택이 없으니 차이도 없음),
`2500` 열은 약 −3.7에서 0.4까지 퍼져 있습니다. 값이 낮은 변이는 효소 기능이나 단백질의 접힘(folding)·안정성을
망가뜨린 변이입니다.
"""),
    code("""
print(tem1[["0", "2500"]].describe().round(2).T)
"""),
    md("""
변이 이름 `H24C`는 "24번 잔기 H(히스티딘)를 C(시스테인)로"라는 뜻입니다. `apply_mutations`는 야생형
서열에 변이를 적용하면서, 그 위치의 잔기가 정말 H인지 확인해 줍니다(번호를 잘못 세는 실수를 막아 줍니다).

**번호 매기기에 주의**: 이 데이터의 잔기 번호는 전구체(분비 신호 서열 포함)의 첫 메티오닌(Met)을 1로 하여 차례로
센 번호입니다. β-락타마제 논문에서 흔히 쓰는 **Ambler 번호**(class A β-락타마제끼리 맞춘 공통 번호)와 다릅니다.
예를 들어 촉매 잔기인 Ambler S70은 여기서 68번, E166은 164번입니다. 앞부분은 Ambler 번호에서 2를 빼면 되지만,
Ambler 번호는 239와 253을 건너뛰므로 그 뒤로는 차이가 3, 4로 커집니다. 논문의 잔기 번호를 찾을 때는 아래처럼
그 자리의 아미노산이 맞는지 확인하세요. 촉매에 쓰이는 이 잔기들의 치환은 `2500` 열에서 평균 −2.85에서 −3.13으로
(아래 출력), 활성을 거의 잃습니다.
"""),
    code("""
mutant = apply_mutations(wildtype, "H24C", offset=1)
print(wildtype[18:30])
print(mutant[18:30])
for ambler, here in [("S70", 68), ("K73", 71), ("S130", 128), ("E166", 164)]:
    mean_fitness = tem1.loc[tem1.position == here, "2500"].mean()
    print(f"Ambler {ambler:4s} = residue {here} here ({wildtype[here - 1]}); "
          f"mean fitness of its substitutions {mean_fitness:.2f}")
"""),
    md("""
## 구조를 이미지로: 거리 지도

단백질 구조 파일(PDB)에는 원자마다 3차원 좌표가 있습니다. 잔기 쌍마다 거리를 재면 286 × 286 행렬,
곧 **거리 지도**가 됩니다. 아래 왼쪽 그림에서 **밝은(노란) 칸이 가까운 잔기 쌍, 어두운(보라) 칸이 먼 쌍**입니다.
가까운 거리를 잘 구별할 수 있도록 색은 0-25 Å 범위에만 썼고, 25 Å보다 먼 쌍은 모두 가장 어둡게 보입니다.
대각선을 따라 놓인 밝은 띠는 서열에서 바로 이웃한 잔기이고, 대각선에서 떨어진 밝은 점과 띠는 서열로는
멀지만 접혀서 공간적으로 가까워진 잔기 쌍입니다(대각선과 수직이거나 나란한 띠는 β-병풍을 이루는 가닥
쌍입니다). 오른쪽 **접촉 지도**는 서열로 6칸 이상 떨어져 있으면서 **Cβ** 원자(곁사슬의 첫 탄소, 글리신은 가상의
Cβ) 사이가 8 Å 안인 쌍을 검게 찍은 것입니다. 왼쪽 지도는 Cα(주사슬 탄소) 사이 거리이므로, 접촉 지도는 왼쪽 지도를
8 Å에서 자른 것과 똑같지는 않습니다. Cβ는 곁사슬 쪽을 향하므로, 곁사슬끼리 맞닿는 접촉을 더 잘 나타냅니다.
맨 앞 20여 개 잔기(분비 신호 서열)는 AlphaFold 모델에서 나머지 구조와 떨어져 있어 거의 비어 보입니다.

두 그림의 축은 변이 이름(`H24C`의 24)과 같이 **1부터 센 잔기 번호**입니다. 파이썬 배열 `dist`의 행·열
번호는 0부터 세므로, 24번 잔기는 `dist[23]`입니다. 이런 이미지는 2D CNN의 입력이 될 수 있습니다.
"""),
    code("""
from matplotlib.figure import Figure

st = structure.read(D.structure_path("tem1"))
dist = structure.distance_map(st, atom="CA")  # Cα 원자 사이 거리(Å), 배열 번호는 0부터
contacts = structure.contact_map(st, threshold=8.0, min_separation=6)   # Cβ 사이 8 Å 미만
print(st, dist.shape)
print("residue pairs within 8 Å, at least 6 apart in sequence:", int(contacts.sum() // 2))

n = dist.shape[0]
extent = (0.5, n + 0.5, n + 0.5, 0.5)        # 축 눈금을 1부터 세는 잔기 번호로
fig = Figure(figsize=(10, 4.4), layout="constrained")
ax_dist, ax_contact = fig.subplots(1, 2)
image = ax_dist.imshow(dist, cmap="viridis_r", vmin=0, vmax=25, extent=extent, interpolation="nearest")
fig.colorbar(image, ax=ax_dist, extend="max", label="Cα-Cα distance (Å)")
ax_dist.set_title("distance map (bright = close)")
ax_contact.imshow(contacts, cmap="Greys", extent=extent, interpolation="nearest")
ax_contact.set_title("contact map (Cβ-Cβ < 8 Å, ≥ 6 apart)")
for ax in (ax_dist, ax_contact):
    ax.set_xlabel("residue number (1-based)")
    ax.set_ylabel("residue number (1-based)")
fig          # 셀의 마지막 줄에 둔 그림이 표시됩니다
"""),
    md("""
## 구조를 그래프로: 잔기 그래프

잔기를 노드로, 8 Å 안에 있는 잔기 쌍을 엣지로 놓으면 **그래프**가 됩니다. 노드마다 아미노산 종류와
함께 얼마나 묻혀 있는지(burial), 용매에 얼마나 드러나 있는지(RSA), 이차 구조(나선·가닥·코일) 같은
특징이 붙습니다. 그래프 신경망은 이웃 잔기의 정보를 주고받으며 학습합니다.
"""),
    code("""
graph = structure.residue_graph(st, radius=8.0)
print(f"{graph.nodes.shape[0]} nodes, {graph.edges.shape[1] // 2} edges, "
      f"{graph.nodes.shape[1]} features per node")
print(graph.feature_names[20:])   # 아미노산 원-핫 20개 다음의 구조 특징
"""),
    md("""
## 서열만 vs 구조까지: 측정하지 않은 위치를 예측하기

`split_position`은 위치의 20 %를 통째로 테스트로 뗍니다. 테스트 위치의 변이는 학습 세트에 하나도
없으므로, "아직 한 번도 실험하지 않은 잔기를 바꾸면 어떻게 될까?"를 묻는 정직한 평가입니다.

두 모델 모두 그래디언트 부스팅입니다. `sequence` 모델은 치환 종류와 위치 정보만, `structure` 모델은
여기에 묻힘 정도·용매 노출·이차 구조·주변 잔기 같은 구조 특징을 더 씁니다. 평가는 순위 상관
(Spearman)으로 합니다.
"""),
    code("""
train = tem1[tem1.split_position == "train"]
test = tem1[tem1.split_position == "test"]
print(f"train {len(train)} variants at {train.position.nunique()} positions, "
      f"test {len(test)} variants at {test.position.nunique()} other positions")

pred = {}
for name in ["sequence", "structure"]:
    model = build_variant_model(name, wildtype, structure=st if name == "structure" else None,
                                offset=1, seed=0)
    model.fit(train.mutant, train["2500"])
    pred[name] = model.predict(test.mutant)
    print(f"{name:9s} Spearman {metrics.regression_metrics(test['2500'], pred[name])['spearman']:.3f}")
"""),
    md("""
구조를 쓰면 측정하지 않은 위치에서도 순위 상관이 크게 오릅니다. 단백질 안쪽에 묻힌 잔기는 바꾸면 접힘이
망가지기 쉽고, 표면의 잔기는 대체로 잘 견딥니다. 서열만으로는 알기 어려운 이 정보를 구조가 알려 줍니다.
(같은 데이터에서 부스팅 5개의 평균은 0.747, 그래프 신경망을 더한 앙상블은 약 0.78입니다:
`benchmarks/RESULTS.md`.)

### (선택) 거리 지도를 이미지로 읽는 2D CNN

앞에서 거리 지도가 2D CNN의 입력이 될 수 있다고 했습니다. `image` 모델이 그렇게 합니다. 변이된 잔기마다, 그 잔기와
가장 가까운 잔기 24개(Cβ 거리 기준)의 거리 지도 조각(24 × 24 이미지)을 잘라 변이 정보를 덧칠하고, 2D CNN으로
학습합니다. 1코어에서 30초-1분쯤 걸리니, 시간이 없으면 이 셀은 건너뛰어도 됩니다.
"""),
    code("""
image_model = build_variant_model("image", wildtype, structure=st, offset=1, seed=0)
image_model.fit(train.mutant, train["2500"])
pred["image"] = image_model.predict(test.mutant)
print(f"image     Spearman {metrics.regression_metrics(test['2500'], pred['image'])['spearman']:.3f}")
"""),
    md("""
## 위치별 효과

변이의 효과는 위치에 따라 크게 다릅니다. 테스트 위치마다 모든 치환의 평균 활성을 실제값과 두 모델의
예측값으로 비교해 봅니다. 낮을수록 그 위치는 바꾸면 안 되는 자리입니다. 촉매 잔기처럼 효소 기능에 직접 쓰이거나,
단백질 안쪽에 묻혀 접힘과 안정성을 받치는 자리입니다.
"""),
    code("""
by_pos = test.assign(sequence=pred["sequence"], structure=pred["structure"]) \\
    .groupby("position")[["2500", "sequence", "structure"]].mean()
for name in ["sequence", "structure"]:
    print(f"{name:9s} Spearman over held-out positions {spearmanr(by_pos['2500'], by_pos[name])[0]:.3f}")

fig = Figure(figsize=(9, 3.2), layout="constrained")
ax = fig.subplots()
ax.plot(by_pos.index, by_pos["2500"], "o", color="black", ms=4, label="measured")   # 점만: 위치들이 이웃하지 않음
ax.plot(by_pos.index, by_pos["structure"], "s", color="tab:orange", ms=4, label="structure model")
ax.plot(by_pos.index, by_pos["sequence"], "^", color="tab:blue", ms=4, label="sequence model")
ax.set_xlabel("residue number, 1-based (held-out positions only)")
ax.set_ylabel("mean fitness at 2500 µg/mL")
ax.legend(fontsize=8)
fig
"""),
    md("""
## 정리

이 장에서 한 일을 한 번에 모아 봅니다. 아래 셀은 앞에서 학습한 모델들의 점수를 다시 출력합니다(2D CNN 셀을
건너뛰었다면 `image` 줄은 나오지 않습니다).
"""),
    code("""
print(f"{len(test)} variants at {test.position.nunique()} held-out positions, seed 0:")
for name, values in pred.items():
    rho = metrics.regression_metrics(test["2500"], values)["spearman"]
    print(f"  {name:9s} Spearman {rho:.3f}")
"""),
    md("""
- **구조를 숫자로 바꾸기**: 원자 좌표에서 잔기 쌍의 거리를 재면 거리 지도(이미지)가 되고, 가까운 잔기끼리 이으면
  잔기 그래프(네트워크)가 됩니다. 묻힘 정도, 용매 노출, 이차 구조 같은 구조 특징도 여기서 나옵니다.
- **정직한 평가**: 위치를 통째로 떼어 둔 분할(`split_position`)은 "한 번도 바꿔 보지 않은 잔기"를 예측하게 합니다.
  이 분할에서 구조를 함께 쓴 부스팅(`structure`)은 서열 정보만 쓴 부스팅(`sequence`)보다 순위 상관이 크게
  높았습니다(seed 0에서 0.729 대 0.523, 위치별 평균으로는 0.630 대 0.424). 단백질 안쪽에 묻힌 잔기는 바꾸면
  접힘이 망가지기 쉽다는 정보를 구조가 알려 주기 때문입니다.
- **이미지 CNN과 구조 부스팅**: 거리 지도 조각을 읽는 2D CNN(`image`)은 seed 0에서 0.751로, 구조 부스팅(0.729)보다
  조금 높았습니다. `benchmarks/RESULTS.md`에서도 CNN 3개의 평균이 0.767, 부스팅 5개의 평균이 0.747이었습니다.
  다만 테스트 위치가 53개뿐이라 이 정도 차이는 seed나 떼어 둔 위치에 따라 뒤집힐 수 있습니다. 2장에서처럼 한 번의
  결과로 모델의 순위를 정하지 마세요. 학습 시간도 따져 볼 만합니다. 1코어에서 부스팅은 몇 초, 2D CNN은 수십 초가
  걸립니다.
- **위치별 효과 그림**: 측정값(검은 점)이 크게 낮은 위치, 곧 바꾸면 활성을 잃는 위치를 구조 모델(주황)이 서열 모델(파랑)보다
  잘 따라가는지 보세요. 이런 위치는 촉매 잔기이거나 단백질 안쪽에서 접힘을 받치는 잔기인 경우가 많습니다.

명령줄에서 내 변이체 데이터로 같은 일을 하는 법(`biochemml train --task protein-variant --structure ...`)은
README.ko.md의 "단백질: 변이체, 구조, 활성" 절에 있습니다.
"""),
]


NOTEBOOKS = {
    "01_sequences_and_motifs.ipynb": CH1,
    "02_cnn_motif_classifier.ipynb": CH2,
    "03_real_expression_regression.ipynb": CH3,
    "04_bioreactor_optimisation.ipynb": CH4,
    "05_protein_structure_activity.ipynb": CH5,
}

if __name__ == "__main__":
    for filename, cells in NOTEBOOKS.items():
        write(filename, cells)
