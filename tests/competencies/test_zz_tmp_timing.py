import time
from competencies.interchange.ksf_case import export_ksf_case_package

def test_t(db):
    export_ksf_case_package(base_url="x")
    t = time.perf_counter()
    for _ in range(5):
        export_ksf_case_package(base_url="x")
    print("per export", (time.perf_counter() - t) / 5)
