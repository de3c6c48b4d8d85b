package models

import "time"

// Rows of the shop (migrations/*/0019_shop.sql). Money is integer fen.

// Product kinds of the catalogue.
const (
	ProductCheckup  = "checkup"  // 体检套餐 health-check package
	ProductMedicine = "medicine" // 药品
	ProductDevice   = "device"   // 医疗器械
	ProductService  = "service"  // 服务包
)

// ProductKinds lists the kinds in display order.
var ProductKinds = []string{ProductCheckup, ProductMedicine, ProductDevice, ProductService}

// Product is one catalogue item.
type Product struct {
	ID            int64
	Kind          string
	NameZh        string
	NameEn        string
	DescriptionZh string
	DescriptionEn string
	PriceFen      int64
	Available     bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ProductImage is one image of a product (public, so stored plainly).
type ProductImage struct {
	ID          int64
	ProductID   int64
	Position    int
	ContentType string
	Data        []byte
	CreatedAt   time.Time
}

// CartItem is one line of a patient's cart.
type CartItem struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	ProductID int64 `gorm:"primaryKey;autoIncrement:false"`
	Quantity  int
	UpdatedAt time.Time
}

// Address is a saved delivery address; name, phone and street are ciphertexts.
type Address struct {
	ID         int64
	UserID     int64
	NameEnc    string
	PhoneEnc   string
	RegionCode string
	StreetEnc  string
	Postcode   string
	CreatedAt  time.Time
}

// Order is one order. Consignee, phone and street are ciphertexts bound to the row.
type Order struct {
	ID              int64
	OrderNo         string
	UserID          int64
	Status          string
	TotalFen        int64
	IdempotencyKey  string
	ConsigneeEnc    string
	PhoneEnc        string
	RegionCode      string
	StreetEnc       string
	Postcode        string
	ForOther        bool
	AuthorizationID *int64
	PaymentProvider string
	PaymentRef      string
	Carrier         string
	TrackingNo      string
	ExpiresAt       time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// OrderItem is one line of an order, with the name and price at checkout.
type OrderItem struct {
	ID        int64
	OrderID   int64
	ProductID int64
	NameZh    string
	NameEn    string
	UnitFen   int64
	Quantity  int
}

// OrderEvent is one step of an order's timeline.
type OrderEvent struct {
	ID         int64
	OrderID    int64
	FromStatus string
	ToStatus   string
	ActorKind  string
	ActorID    int64
	Detail     string
	CreatedAt  time.Time
}

// OrderAuthorization is the orderer's recorded statement that the consignee, another
// person, authorized the order (and whether they confirmed it by code).
type OrderAuthorization struct {
	ID            int64
	UserID        int64
	Relationship  string
	Statement     string
	CodeConfirmed bool
	ClientIP      string
	CreatedAt     time.Time
}

// PaymentNotification is one handled provider notification.
type PaymentNotification struct {
	ID             int64
	Provider       string
	NotificationID string
	OrderID        int64
	AmountFen      int64
	Outcome        string
	ReceivedAt     time.Time
}

// AfterSale is a refund, return or dispute request on an order.
type AfterSale struct {
	ID            int64
	OrderID       int64
	UserID        int64
	Kind          string
	ReasonEnc     string
	Status        string
	ResolutionEnc *string
	ResolverID    *int64
	CreatedAt     time.Time
	ResolvedAt    *time.Time
}

// SupportConversation is a patient's conversation with support.
type SupportConversation struct {
	ID         int64
	UserID     int64
	OrderID    *int64
	SubjectEnc string
	Status     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SupportMessage is one message of a conversation.
type SupportMessage struct {
	ID             int64
	ConversationID int64
	SenderID       int64
	FromStaff      bool
	BodyEnc        string
	CreatedAt      time.Time
}

// OrderUnmask records a staff member seeing an order's full consignee contact.
type OrderUnmask struct {
	ID        int64
	OrderID   int64
	UserID    int64
	StaffID   int64
	ReasonEnc string
	CreatedAt time.Time
}

// Disclosure is one hand-over of a person's data to a third party.
type Disclosure struct {
	ID         int64
	UserID     int64
	Recipient  string
	Purpose    string
	Fields     string
	LegalBasis string
	RefType    string
	RefID      int64
	CreatedAt  time.Time
}
