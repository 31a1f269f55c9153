namespace Orchestrator.Core;

/// <summary>
/// What a venue says at start-up about short sales of one instrument (issue 19): Alpaca's asset
/// (<c>GET /v2/assets/{symbol}</c>) fields <c>shortable</c> and <c>easy_to_borrow</c>. It only narrows the configured rule
/// (<see cref="InstrumentInfo.Shortable"/>, <see cref="InstrumentInfo.BorrowAvailable"/>): a symbol the venue does not let
/// be sold short is not shortable whatever the configuration says, and one that is hard to borrow has no borrow
/// (Alpaca's Trading API opens shorts in easy-to-borrow names only); a configured <c>shortable: false</c> or borrow limit
/// stays in force when the venue would allow more.
/// </summary>
public readonly record struct VenueBorrow(bool Shortable, bool EasyToBorrow);
