/** State of the admin forms that report back in place (useActionState). */
export type CreateKeyState =
  | { status: "idle" }
  | { status: "created"; name: string; key: string; scopes: string[] }
  | { status: "error"; message: string; field?: string; name: string; scopes: string[] };

export type CreateUserState =
  | { status: "idle" }
  | { status: "created"; email: string; role: string }
  | { status: "error"; message: string; field?: string; email: string; role: string };
