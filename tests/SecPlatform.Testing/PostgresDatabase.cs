namespace SecPlatform.Testing;

/// <summary>
/// A fresh database on the test server: <see cref="OwnerRole"/> owns it (migrations, tampering as an attacker
/// with raw access would), <see cref="ServiceRole"/> is the non-owner role the service logs in as.
/// </summary>
public sealed record PostgresDatabase(
    string Name,
    string OwnerRole,
    string ServiceRole,
    string OwnerConnectionString,
    string ServiceConnectionString);
