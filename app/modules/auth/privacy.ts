/** The privacy notice the person consents to (Decree 13/2023/NĐ-CP). Bump when its text changes. */
export const PRIVACY_NOTICE_VERSION = "2026-12";
