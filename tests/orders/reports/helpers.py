"""What the sales report tests share: the year they look at (2025), the Omniva locker and the paid status."""

from __future__ import annotations

from datetime import date

from orders import placing
from orders.models import OrderStatus
from orders.reports import SalesFilter
from producers.models import DeliveryMethod

YEAR_2025 = SalesFilter(date(2025, 1, 1), date(2025, 12, 31))
LOCKER = "Kėdainių Maxima, J. Basanavičiaus g. 75"
AT_LOCKER = placing.DeliveryChoice(DeliveryMethod.OMNIVA, locker=LOCKER)
PAID = OrderStatus.PAID
