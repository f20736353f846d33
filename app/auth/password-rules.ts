// Password length rules, shared by the server's checks and the forms' hints (no secrets, safe in the browser).
export const NEW_PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
