namespace SecPlatform.ControlPlane.Core.Storage;

/// <summary>
/// A presented agent key as a store checks it inside the statement that does the call's work: the key's id, the
/// SHA-256 (lowercase hex, as stored) of the presented secret, and the time the key's expiry is judged at.
/// </summary>
public sealed record AgentKeyProof(string KeyId, string SecretHash, DateTimeOffset Now);
