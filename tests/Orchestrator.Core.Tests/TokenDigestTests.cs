using System.Text;

namespace Orchestrator.Core.Tests;

/// <summary>Issue 15 item 24: secrets are compared as fixed-size digests, never as raw bytes of their own length.</summary>
public sealed class TokenDigestTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a-much-longer-token-than-the-expected-one-0123456789-0123456789-0123456789")]
    public void Digest_HasOneSize_WhateverTheTokenLength(string token)
    {
        Assert.Equal(TokenDigest.SizeInBytes, TokenDigest.Of(Encoding.UTF8.GetBytes(token)).Length);
    }

    [Theory]
    [InlineData("s3cret", true)]
    [InlineData("s3cre", false)]
    [InlineData("s3creT", false)]
    [InlineData("s3cret!", false)]
    [InlineData("", false)]
    public void Matches_OnlyTheSameToken(string given, bool expected)
    {
        byte[] digest = TokenDigest.Of("s3cret"u8);

        Assert.Equal(expected, TokenDigest.Matches(Encoding.UTF8.GetBytes(given), digest));
    }

    [Fact]
    public void Matches_AllocatesNothing()
    {
        byte[] digest = TokenDigest.Of("s3cret"u8);
        byte[] given = Encoding.UTF8.GetBytes("wrong-token-of-another-length");
        TokenDigest.Matches(given, digest);

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool matched = TokenDigest.Matches(given, digest);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(matched);
        Assert.Equal(0, allocated);
    }
}
