// The ABI of the JSON record indexer (assembly/kernels/json.ts), defined once: this file is compiled by asc
// (imported by the kernel) and by tsc (imported by the binding and the JS twin). Keep it to integer constants.

// Params block: one i32 slot each, the pointers and counts of one indexRecords call.
/** u8 bytes of the batch. */
export const JSON_P_BUF = 0;
/** Records in this call. */
export const JSON_P_COUNT = 1;
/** i32 per record: start and end offsets in the batch. */
export const JSON_P_REC_START = 2;
export const JSON_P_REC_END = 3;
/** Nesting limit (the top-level object is depth 1). */
export const JSON_P_MAX_DEPTH = 4;
/** u8 per record: JSON_REC_*. */
export const JSON_P_STATUS = 5;
/** u8 per record: JSON_FLAG_* bits. */
export const JSON_P_FLAGS = 6;
/** i32 per record: offset of the error in the batch (-1 for none) and its JSON_E_* code. */
export const JSON_P_ERR_AT = 7;
export const JSON_P_ERR_CODE = 8;
/** i32 per record + 1: members of record r are memberOff[r] .. memberOff[r + 1]; slot 0 is preset by the caller. */
export const JSON_P_MEMBER_OFF = 9;
export const JSON_P_MEMBER_CAP = 10;
/** i32 per member: key bytes (without quotes), value span; u8 kind and f64 number per member. */
export const JSON_P_KEY_S = 11;
export const JSON_P_KEY_E = 12;
export const JSON_P_VAL_S = 13;
export const JSON_P_VAL_E = 14;
export const JSON_P_VAL_KIND = 15;
export const JSON_P_VAL_NUM = 16;
/** i32 per member + 1: elements of member m's array value are elemOff[m] .. elemOff[m + 1] (preset at the first member). */
export const JSON_P_ELEM_OFF = 17;
export const JSON_P_ELEM_CAP = 18;
/** i32 per element: span; u8 kind and f64 number per element. */
export const JSON_P_ELEM_S = 19;
export const JSON_P_ELEM_E = 20;
export const JSON_P_ELEM_KIND = 21;
export const JSON_P_ELEM_NUM = 22;
/** Out: records finished (fewer than JSON_P_COUNT when a member or element capacity ran out). */
export const JSON_P_DONE = 23;
export const JSON_P_SLOTS = 24;

// Record status.
export const JSON_REC_OK = 0;
export const JSON_REC_MALFORMED = 1;
export const JSON_REC_NOT_OBJECT = 2;
export const JSON_REC_TOO_DEEP = 3;

// Record flags.
/** The record holds NaN / Infinity literals or invalid UTF-8: values copied from it must be re-encoded. */
export const JSON_FLAG_SANITIZE = 1;
/** A top-level key has escapes: keys are compared after decoding. */
export const JSON_FLAG_ESCAPED_KEY = 2;

// Value kinds (members and elements).
export const JSON_K_OTHER = 0;
export const JSON_K_STRING = 1;
/** A number read exactly by the indexer (the NUM slot holds it). */
export const JSON_K_NUMBER = 2;
/** A number the indexer does not read (over 15 significant digits or a large exponent): parse its text. */
export const JSON_K_NUMBER_TEXT = 3;
export const JSON_K_NULL = 4;
export const JSON_K_NAN = 5;
export const JSON_K_POS_INF = 6;
export const JSON_K_NEG_INF = 7;
export const JSON_K_ARRAY = 8;
export const JSON_K_OBJECT = 9;
export const JSON_K_BOOL = 10;

// Error codes.
export const JSON_E_END = 1;
export const JSON_E_TOKEN = 2;
export const JSON_E_STRING = 3;
export const JSON_E_ESCAPE = 4;
export const JSON_E_CONTROL = 5;
export const JSON_E_NUMBER = 6;
export const JSON_E_EXPECT = 7;
export const JSON_E_DEEP = 8;
export const JSON_E_EMPTY = 9;

/** The deepest nesting the indexer follows (its static container stack has this many bytes). */
export const JSON_DEPTH_LIMIT = 4096;
