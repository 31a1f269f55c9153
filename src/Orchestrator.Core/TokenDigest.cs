using System.Security.Cryptography;

namespace Orchestrator.Core;

/// <summary>
/// The one way every surface compares a secret it was sent (signal gateway <c>auth</c>, control
/// API and MCP bearer tokens): both sides are reduced to a fixed-size SHA-256 digest and the
/// digests compared with <see cref="CryptographicOperations.FixedTimeEquals"/>. Comparing the raw
/// bytes would answer a wrong length at once and so leak the token's length; over digests the
/// work is the same whatever was sent. Only the digest of the expected token is kept.
/// </summary>
public static class TokenDigest
{
    /// <summary>Size of a digest, in bytes (whatever the token's length).</summary>
    public const int SizeInBytes = SHA256.HashSizeInBytes;

    /// <summary>The digest to keep in place of <paramref name="token"/>.</summary>
    public static byte[] Of(ReadOnlySpan<byte> token) => SHA256.HashData(token);

    /// <summary>Whether <paramref name="given"/> is the token whose digest is <paramref name="expectedDigest"/>; allocates nothing.</summary>
    public static bool Matches(ReadOnlySpan<byte> given, ReadOnlySpan<byte> expectedDigest)
    {
        Span<byte> digest = stackalloc byte[SizeInBytes];
        SHA256.HashData(given, digest);
        return CryptographicOperations.FixedTimeEquals(digest, expectedDigest);
    }
}
