// Each test here runs a whole engine (several threads) and some a python3 process too; side by
// side on 2 cores they would only slow each other down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
