/**
 * Keys the verifier suite signs with and publishes, fixed in the source on purpose.
 *
 * A deployed API (`--verifier=http-api`) caches the JWKS it fetched, and a real
 * cache (jose createRemoteJWKSet, jwks-rsa) refetches on an unknown kid at most once
 * per cool-down (30 s for jose). Keys generated per process or per run would
 * show up as unknown kids between the suite's worker processes and between runs,
 * and valid tokens would be refused for reasons that are the suite's own. These
 * keys are the same in every process and every run, so the JWKS an API fetched
 * once stays right for the whole run; only the key-rotation checks change it.
 *
 * They are TEST KEYS, published with the source: a verifier must never trust them
 * outside a test. Generated once with node:crypto generateKeyPairSync.
 */
import type { Jwk } from '../../adapters/types.js';

export type PrivateJwk = Jwk & Record<string, string>;

export const FIXED_KEYS = {
  stable: {"kty":"RSA","n":"1sRxN02NcjW_YvM2Mm2OdBnQDnISPDKCEeGS8cGq1jOWIDKhTpbek4-H7Vi98JR9XHWpV-micD2qeIkH5r56FdTTiAi_70ZWJP_HeBYzi5SI3ktqjORBdb0HGu7OxIsZXR0JMZyl1d3Da3Y-nyYmPSHQs3VDr47SA7rJqIMVfJsc55mcxz9HK1-U045te7I01lICMWS2e8gvuDYUB45Zw14JBUIExpIOPAjHhKipyRMvML5q6g0H2HPsqnp21-A1g0tMFbHB-iZlzPrNm_Qwj1qN6sGSA0v9CRpfVFYASHCqf56nD50c2Hh6Wr-XpbHO41Q1IS2w-XBUizva36YSJw","e":"AQAB","d":"BjnVEBgScqT_YFetdz_rO2qsuBehCbMiR5WQnWJk4d40HTaM0I9r8mNu8XfEZmhOcFME4QSMbfVnHLch8sqegyDvCXqomS2QYgcOefsnWoXNFfE0URxtaxXtUhazCTfcORYWQW3JiFvHj34XUu4OngLHFepxoE1jLzJ-lcojmORgFOp59UO9sSwe4HTbIKp8lpUH8qXim51h5o0UgMaK1_Xaz3EqO__ub4NUddhwFoXtoAfsq6V-tPIfBXPmx2tS6UVG7JM_90eNcup9Y8I-OuGWacc1WVdeeUtk_3NZPLdXdCT_QyZP-wGoRZkMsXtUJD-XIbOkPkrHiLOlrMvgAQ","p":"7oC3_toM84K0412M1_m0xcqa-Mg6p20kjSv8Ya9CYdRBTlhonwisOB1RX6sxqugk18p9QxsvjDkJrFP97LjKR1gchQXNLlkFBtUO-zhHBZaE-k_qGy2Lquq8l_a5GMthZawhhhzCX6Ps-DX102oRYfop7FXQ1fIj4A4EH0iokAE","q":"5oXzsKIu3iH222ycIxhSxXeQWchRcoxvufbVA53lpo5dtUioleumo6BRHfcah5glbtTnam5OaTfu7HyDyN7MKPQpTcCA4yLDmrujyYog-YqntCUknlt1T5WimFcx0o41w6xLLdN6Kmw-h8TJJlp2JXmSs1cCqNWmpLixlurYIic","dp":"0rElWd74x_m0oJKZBIZUGtLj2ljP7-3r90ZfO1Be_RtL4dEaAzvfH-dOZoxOYSOYwITh6XFPrLkKgZDlZcTM9P-ymhTI8GO1nBaFmIpbu2T_7jzAm-e9VWzu0_QiCfRJA09vghFP6LtgcNkCZBR0bLBZbq1UwluZM6pOG_DM8AE","dq":"U1bIA-qOQRZMVYWNaQ6pFeSk1iCaeWwWFEgNOJKD7NP5Qsmy0QhxpSQXT1r_R1gU6F2mEA8y380t3mchiaQqcP_cUtSug-8UgkMl8n2ycCTVfkYTWAC-h3gUYTjctT9eZpBKWZXjy6R4csMM6YW4wtGR3K4vMvSSm2h-I45hdu8","qi":"kD5YeBBpM2Ak8Z7o1PrV0hsDQCG3D5fLjVdkXlujTJS6GwOx4uQxC3EWj1bWxfRQUeru7Zqyey7YPaJxcz3QQKf0niR5WCkcDxwxX6XepJRSiJP7qayK6TvpNDhS_O8USgpndkpJ8vLBq8GD5xrPcTVjnKNsu3uPBgw1ZVyklWo","kid":"ktc-stable-2048","alg":"RS256","use":"sig"},
  weak: {"kty":"RSA","n":"_XnMli90kpnU4IsSoBvaLfpVW7tkOd3NRZc36utRx8k1QPFy7DktCD7h4Z1yfAnn8aanZhicuMSKylGxVYDxh9F8nUk-NaDGlJ4zg-6Du4_tOhUgEEjZI5PUd3obp1YkJdbaOmP_3gm7L4EYqv0dz1fIQXQJBFncnqLoo4h3OLU","e":"AQAB","d":"jBZQl4BKsOsL172E4bAC-P4tRrFeRwzqcdeNM-wyGnR9VhMbLKq81J3MQOC_cQYYhllQkwBvPT6CZiaYF2VYFlqCqQvnf_94cBDL1QvBz6pwnp33oQOhZkkTDnnvVhaGxgLQt3X_mVftAnTy_ElULlouNSFLPQsXHqbmZB5_rtE","p":"_zBOZFi-pb3mKqHXBAoLMXmX9vVAJBWqDD-8uP7LjDwU_GtgwsXDCwXWlVmrzbnCkZ-ZhCHHXIW-N8YWJwXepw","q":"_kgZTRoUPCP3hmYRSIPXsW1SO2mclNC_te_hbEjvFcgWNrFFv-_Iq9PV7KP9Fz5WdiyecP03ksEGQo7IfYvVQw","dp":"IJdYy7QR1TUlmjhFL7zgpRb0c5Pq9zDVIO9a-P2BnY1m2L4WA4oiWNwMBdMIACRDVznc72UpAwYJvzHLTnyPbQ","dq":"uLHBvuD8ZZpyRaqJTzSETJltKz5Qvz7IoOu1vqNTFW0ZxWwJj5opFbVuIs4SHPnobzmFc-hYnz2YwGtZcOdKZQ","qi":"aOci9XSZHZBqtuvIyXyj9qdE63N5bj9K53IXurzYcZno1E4bJEkzztwS-gIPgyVExb-OQDPNQCGkHY2NkDyflQ","kid":"ktc-weak-1024","alg":"RS256","use":"sig"},
  es256: {"kty":"EC","x":"CJi9Brqr-9ybT92BY3BZJHhe5GLCRbnw61_Lf8W3ips","y":"8rXf1Q1EIV_wjTIcka_Ak28q2rlgCu1HMaEXBsah970","crv":"P-256","d":"90TPgMf1bL7vxLq_w1TfnPrdZqMj9REWdfUFooF9TBo","kid":"ktc-p256","alg":"ES256","use":"sig"},
  es384: {"kty":"EC","x":"eVR6_tX7uh_hSxX7cewLhcGhMm82qk6GY6GGeiRfwH6iQuICec-QsFQ0CRE2wYl3","y":"Bgw-NP9oYg-zWYUVM3fH2RaLL-nouF8Y25YLNZjqAPKhxcBvNKb_ID1poHzY47Qk","crv":"P-384","d":"CnTga8iW6bZMCeWgNbujUOvLVhL-cawoI8Yzk5lmbxFfkyJRe3pMBNKbo02MX7_7","kid":"ktc-p384","alg":"ES384","use":"sig"},
  es512: {"kty":"EC","x":"ALqMgwMR8Lp4j3R0yrwAzFsIMquW2WJ9OkcPn4WN9S9wSoFwSmqR7KdP8hWzXO3msYnw9Ae9udU4B32UgwuT63do","y":"AQFhIdLs4b23amymwNEEfh48aC8YHSNrkV9D7Gle2KOKe6huBZM0FCwft5PBR5LB2yyfUGOJQVt2PEQLHYMsHW6p","crv":"P-521","d":"AJaX_jOeczNRA8LFOpxKL0Ou4X-XA9DrQE7aRNqrM5w0yA3chBd9o_7OLmLhhOvZju5ceruOvEpX2hbLC1HPYXl4","kid":"ktc-p521","alg":"ES512","use":"sig"},
  eddsa: {"crv":"Ed25519","d":"KxF3ASrTmDIZo8FneqeRkDh8gU5zNsPnMvipZCFqQJI","x":"PM8d_wnK6d--ncX9E8_3VJBuqOlj7rZ_v5ZjNMvYI74","kty":"OKP","kid":"ktc-ed25519","alg":"EdDSA","use":"sig"},
} as const satisfies Record<string, PrivateJwk>;
