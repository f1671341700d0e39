"use client";
import { useEffect, useState } from "react";
import { OAuth2 } from "crm-auth";

export default function AuthorizeUrl() {
  const [url, setUrl] = useState("");
  useEffect(() => {
    const client = new OAuth2({
      authorizationEndpoint: "https://as.example/authorize",
      tokenEndpoint: "https://as.example/token",
      clientId: "consumer",
      redirectUri: "https://app.example/callback",
      clientAuth: "none",
    });
    setUrl(client.createAuthorizationRequest({ scopes: ["read"] }).url);
  }, []);
  return <p id="out">{url}</p>;
}
