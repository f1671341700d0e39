import AuthorizeUrl from "./authorize-url";

export default function Page() {
  return <AuthorizeUrl />;
}
